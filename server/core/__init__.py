"""The model: settings, languages, content, catalogs, translations and the immutable Site. No web framework."""
