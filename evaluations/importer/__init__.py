"""Reading and checking the workbook of bases certified before the portal (the dry run).

`columns` declares the template, `cells` turns one cell into a value or a Chinese message, `check` reads a
workbook (openpyxl, read-only) and returns an `ImportPlan`: every row parsed, every problem by row and column,
and what the import would create or reuse. Nothing here writes; `evaluations.services.base_import` does.

Why openpyxl with this small layer and not django-import-export: the import is one fixed template whose rows
become five kinds of records (units reused by credit code, the base, its certificate, grades, support) with
cross-row rules (duplicates in the file, one credit code = one unit) and a confirm step that keeps the file.
django-import-export maps one sheet to one model's resource and would need most of this written as hooks
anyway, plus its admin-centred views and a dependency on tablib; openpyxl is already here for exports.
"""
