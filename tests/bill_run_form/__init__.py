"""The new-bill-run form's pure logic."""
