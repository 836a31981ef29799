"""The demo library: a trilingual SDG news portal with realistic gaps, for trying the product out."""
