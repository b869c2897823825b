"""Pure functions from the bytes of one published report to its canonical record."""
