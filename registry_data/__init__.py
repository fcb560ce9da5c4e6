"""Reference and demo data for the registry (data, installed with the package)."""
