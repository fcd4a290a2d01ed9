"""From the model to bytes: templates, pages, sitemaps and compressed bodies. Used by the server and the export."""
