"""The Spanish wording of the replies: content/replies/es.yml, the same names and placeholders as
the English (si_joint/wording.py checks when the action server starts). A translation for the
company's medical review, like content/safety/emergency_signs.es.yml."""

from si_joint.wording import as_attributes

__getattr__ = as_attributes("es")
