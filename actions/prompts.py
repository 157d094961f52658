"""The wording of the replies the actions compose, in the language of the reply being composed
(content/replies/<language>.yml, loaded and checked by si_joint/wording.py): `prompts.NOT_COVERED`."""

from si_joint.wording import as_attributes

__getattr__ = as_attributes()
