"""Reports: summaries of runs, figures and self-contained HTML pages."""
