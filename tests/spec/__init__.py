"""Zuora's published spec, derived into ``zuora_shapes.json``, and a checker of wire bodies."""
