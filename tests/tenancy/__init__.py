"""Tests of the national cascade and of tenant isolation."""
