// Tests for this module are added with it.
