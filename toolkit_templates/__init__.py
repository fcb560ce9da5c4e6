"""The toolkit's Jinja2 templates, stylesheet, assets and translations (data, installed with the package)."""
