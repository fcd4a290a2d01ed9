"""The command line: the translators' workflow, checks, statistics, review records, the export. Never imports web."""
