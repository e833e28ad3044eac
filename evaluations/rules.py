"""Who may do what in 绩效考核. Importing bases certified before the portal is department work."""

import rules

from pilotbase.rules import is_staff_side

may_import_bases = is_staff_side

rules.add_rule("evaluations.import_bases", may_import_bases)
