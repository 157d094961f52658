"""What every trainable NLU component of this project shares: its settings merged with its defaults,
`create` for training, and `load`, which reads back the files `train` kept in the model
(`read_files`), so a served model always carries what it was trained and tested with."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.training_data import TrainingData

from si_joint import PROJECT_ROOT


class FileBackedComponent(GraphComponent):
    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> GraphComponent:
        component = cls(config, model_storage, resource)
        with model_storage.read_from(resource) as directory:
            component.read_files(Path(directory))
        return component

    def read_files(self, directory: Path) -> None:
        """Reads back what `train` wrote to the model."""
        raise NotImplementedError

    def project_path(self, key: str) -> Path:
        """The file a setting names, relative to the project unless absolute."""
        path = Path(self._config[key])
        return path if path.is_absolute() else PROJECT_ROOT / path

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


def language_examples(folder: str) -> TrainingData:
    """The training examples of another language (data/nlu_<code>: si_joint/training_inputs.py),
    which Rasa does not train on; relative to the project unless absolute."""
    path = Path(folder)
    return load_data(str(path if path.is_absolute() else PROJECT_ROOT / path))
