"""The summary report: ``view`` builds the view model once from a ``model.Report``; ``charts`` draws it as SVG;
``html`` and ``pdf`` (Typst) lay the same view out. Nothing here imports back up: view <- charts <- html, pdf."""
