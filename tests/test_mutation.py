"""Hand-worked values that kill the engine's mutants (issue 12, docs/mutation.md).

Each test asserts a value worked out by hand, with the arithmetic in a comment, or
the field, value and problem text of an error. The seeded-bug tests name in their
docstring the bug they catch.
"""
