"""Adding a case from a raw document.

* `lianjian.extend.suggest`: candidate annotations of a source text (`suggest`), found in
  `lianjian.extend.document` (the text, its alignment and words) with `lianjian.extend.gazetteer` (known labels and places);
* `lianjian.extend.newcase`: a drafted case file for it (`new_case`, `write_new_case`);
* `lianjian.extend.diff`: what changed between two builds of the graph (`diff`).

The functions are imported from their modules (``from lianjian.extend.suggest import
suggest``); the package does not re-export them, so the module names stay modules.
"""

__all__ = ["suggest", "document", "gazetteer", "newcase", "diff"]
