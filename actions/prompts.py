"""The English wording of the replies the actions compose: content/replies/en.yml, loaded and
checked by si_joint/wording.py when the action server starts (`prompts.NOT_COVERED`)."""

from si_joint.wording import as_attributes

__getattr__ = as_attributes("en")
