"""docker-compose.yml, the Dockerfiles and .dockerignore against `make cluster` (serving/cluster.py):
the same processes, HAProxy configuration, variables, public ports and health checks, the files the
servers read at run time inside the images, and no secret written in a file.

Each check is a function that returns the problems it finds (none: an empty list), so that one
failure names every drift at once; the `drifted` tests give the checks deliberately broken copies
to show that each can fail. Fast: no server, no model, no Docker.
"""

from __future__ import annotations

import ast
import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Dict, Iterable, List, Mapping, Optional, Set, Tuple

import pytest
import yaml

from channels.rest import TOKEN_VARIABLE as REST_TOKEN_VARIABLE
from serving import cluster
from serving.action_server import TOKEN_VARIABLE as ACTION_TOKEN_VARIABLE
from serving.cluster import INSTANCES, ClusterPorts, cluster_environment
from serving.stack import MODEL, action_server_command, rasa_server_command
from si_joint import PROJECT_ROOT as ROOT
from si_joint.conversation_ids import SECRET_KEY_VARIABLE
from si_joint.emergency_signs import load_emergency_signs
from si_joint.knowledge import DEFAULT_KNOWLEDGE_FILE
from si_joint.site_settings import SETTINGS_FILE
from si_joint.vocabulary import VOCABULARY_FILE
from si_joint.wording import REPLIES_FOLDER

COMPOSE_FILE = ROOT / "docker-compose.yml"
RASA_DOCKERFILE = "deploy/rasa.Dockerfile"
ACTIONS_DOCKERFILE = "deploy/actions.Dockerfile"
PORTS = ClusterPorts()
CLUSTER_ENV = cluster_environment(PORTS, {})
# Required in production, with no default: compose must refuse to start without them.
REQUIRED_SECRETS = (
    SECRET_KEY_VARIABLE,
    ACTION_TOKEN_VARIABLE,
    REST_TOKEN_VARIABLE,
    "SI_DB_PASSWORD",
    "SI_REDIS_PASSWORD",
)
SECRET_NAME = re.compile(r"TOKEN|SECRET|PASSWORD|_KEY$|AUTH|_SID$")
# Addresses differ by design between one machine and a compose network; every other variable
# `make cluster` sets must have the same value in compose (or as the default of ${VAR:-default}).
TOPOLOGY = re.compile(r"(_HOST|_PORT|_ADDRESS|_PASSWORD)$")
REFERENCE = re.compile(r"\$\{(\w+)(?:(:?[-?])([^}]*))?\}")
URL = re.compile(r"https?://[^\s'\"]+")
PROJECT_PACKAGES = ("actions", "channels", "components", "policies", "serving", "si_joint")


# --- reading the files -----------------------------------------------------------------------------


def load_compose(text: Optional[str] = None) -> dict:
    return yaml.safe_load(text if text is not None else COMPOSE_FILE.read_text(encoding="utf-8"))


def environment(service: Mapping) -> Dict[str, Optional[str]]:
    """A service's variables; None for one passed on from the host environment (`NAME:` alone)."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return {name: None if value is None else str(value) for name, value in env.items()}


def default_of(value: Optional[str]) -> Optional[str]:
    """What compose gives for `value` when the host sets nothing: ${VAR:-default} -> default."""
    match = REFERENCE.fullmatch(value or "")
    if match and match.group(2) in ("-", ":-"):
        return match.group(3)
    return value


def published_ports(service: Mapping) -> List[Tuple[int, int]]:
    """(host port, container port) of every published port."""
    pairs = []
    for port in service.get("ports") or []:
        if isinstance(port, dict):
            pairs.append((int(port["published"]), int(port["target"])))
        else:
            *_, host, target = str(port).split(":")
            pairs.append((int(host), int(target.split("/")[0])))
    return pairs


def healthcheck_text(service: Mapping) -> str:
    test = (service.get("healthcheck") or {}).get("test") or ""
    return " ".join(test) if isinstance(test, list) else str(test)


def rasa_services(compose: Mapping) -> List[str]:
    return [name for name in compose["services"] if re.fullmatch(r"rasa-\d+", name)]


@dataclass
class HaproxyServer:
    name: str
    address_variable: str  # the ${VAR} holding its address
    check_path: Optional[str]  # what its backend's health check asks


@dataclass
class HaproxyConfig:
    variables: Set[str]
    servers: List[HaproxyServer]


def parse_haproxy(text: str) -> HaproxyConfig:
    check_path = None
    servers, variables = [], set()
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        variables |= {match[0] for match in REFERENCE.findall(line)}
        words = line.split()
        if not raw[0].isspace():  # a new section
            check_path = None
        elif words[:2] == ["option", "httpchk"]:
            check_path = words[-1]
        elif words[0] == "server":
            variable = REFERENCE.search(words[2])
            servers.append(HaproxyServer(words[1], variable.group(1) if variable else words[2], check_path))
    return HaproxyConfig(variables, servers)


@dataclass
class Dockerfile:
    """The final stage of a Dockerfile."""

    base: str
    workdir: str
    healthcheck: str
    command: str  # ENTRYPOINT and CMD
    copies: List[Tuple[Optional[str], str, bool]] = field(default_factory=list)  # (source, image path, is dir)
    context_sources: Set[str] = field(default_factory=set)  # what every stage copies from the build context

    def contains(self, path: str) -> bool:
        """Whether the project file or folder `path` is in the image at the same path under WORKDIR."""
        target = str(PurePosixPath(self.workdir) / path)
        for source, image_path, is_dir in self.copies:
            if is_dir and (target == image_path or target.startswith(image_path + "/")):
                if source is None or source + target[len(image_path) :] == path:
                    return True
            elif target == image_path and source in (None, path):
                return True
        return False


def parse_dockerfile(text: str) -> Dockerfile:
    lines = [line.strip() for line in re.sub(r"\\\n", " ", text).splitlines()]
    instructions = [
        (name.upper(), args.strip())
        for name, _, args in (line.partition(" ") for line in lines if line and not line.startswith("#"))
    ]
    final = max(i for i, (name, _) in enumerate(instructions) if name == "FROM")
    image = Dockerfile(base=instructions[final][1].split()[0], workdir="/", healthcheck="", command="")
    image.context_sources = {
        word.rstrip("/")
        for name, args in instructions
        if name == "COPY" and "--from=" not in args
        for word in args.split()[:-1]
        if not word.startswith("--")
    }
    for name, args in instructions[final + 1 :]:
        if name == "WORKDIR":
            image.workdir = str(PurePosixPath(image.workdir) / args)
        elif name == "HEALTHCHECK":
            image.healthcheck = args
        elif name in ("ENTRYPOINT", "CMD"):
            words = json.loads(args) if args.startswith("[") else [args]
            image.command += " " + " ".join(words)
        elif name == "COPY":
            words = args.split()
            from_stage = any(word.startswith("--from=") for word in words)
            *sources, destination = [word for word in words if not word.startswith("--")]
            destination = str(PurePosixPath(image.workdir) / destination) + ("/" if destination.endswith("/") else "")
            for source in sources:
                is_dir = source.endswith("/") or (not from_stage and (ROOT / source).is_dir())
                source = source.rstrip("/")
                if is_dir:
                    image_path = destination.rstrip("/")
                else:
                    image_path = destination + PurePosixPath(source).name if destination.endswith("/") else destination
                image.copies.append((None if from_stage else source, image_path, is_dir))
    return image


def read_dockerfile(path: str) -> Dockerfile:
    return parse_dockerfile((ROOT / path).read_text(encoding="utf-8"))


def pinned_versions() -> Dict[str, str]:
    """requirements.txt's pins by package name: {"rasa": "3.6.21", ...}."""
    pins = {}
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)(\[[^]]*\])?==([^\s;#]+)", line.strip())
        if match:
            pins[match.group(1).lower()] = match.group(3)
    return pins


def module_file(module: str) -> Optional[Path]:
    path = ROOT.joinpath(*module.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def project_files_imported(modules: Iterable[str]) -> Set[str]:
    """The project's files (relative paths) that importing `modules` loads, followed through imports."""
    seen: Set[str] = set()
    todo = list(modules)
    while todo:
        module = todo.pop()
        parts = module.split(".")
        for n in range(1, len(parts) + 1):  # a module's packages are imported first
            path = module_file(".".join(parts[:n]))
            if path is None or str(path.relative_to(ROOT)) in seen:
                continue
            seen.add(str(path.relative_to(ROOT)))
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    todo += [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    todo += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return {path for path in seen if path.split("/")[0] in PROJECT_PACKAGES}


def dotted_names(document) -> Iterable[str]:
    """Every `package.module.Class` string among a YAML document's keys and values."""
    if isinstance(document, dict):
        for key, value in document.items():
            yield from dotted_names(key)
            yield from dotted_names(value)
    elif isinstance(document, list):
        for item in document:
            yield from dotted_names(item)
    elif (
        isinstance(document, str)
        and re.fullmatch(r"(\w+\.)+\w+", document)
        and document.split(".")[0] in PROJECT_PACKAGES
    ):
        yield document.rsplit(".", 1)[0]


def rasa_image_files() -> Set[str]:
    """What the Rasa server reads: the modules config.yml, credentials.yml and endpoints.yml name
    (SI_LOCK_STORE as `make cluster` sets it) and those the image's command runs, with everything
    they import; the settings, the model, the spaCy pipeline config.yml names, and the two files."""
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    endpoints = (ROOT / "endpoints.yml").read_text(encoding="utf-8")
    endpoints = REFERENCE.sub(lambda m: CLUSTER_ENV.get(m.group(1), ""), endpoints)
    named = [
        *dotted_names(config),
        *dotted_names(yaml.safe_load(endpoints)),
        *dotted_names(yaml.safe_load((ROOT / "credentials.yml").read_text(encoding="utf-8"))),
    ]
    command = rasa_server_command(5005, Path("credentials.yml"), Path("endpoints.yml"), {})
    spacy = [item["model"] for item in config["pipeline"] if item["name"] == "SpacyNLP"]
    return project_files_imported([*named, command[2], "channels.credentials"]) | {
        str(MODEL.relative_to(ROOT)),
        str(SETTINGS_FILE.relative_to(ROOT)),
        str(VOCABULARY_FILE.relative_to(ROOT)),
        "endpoints.yml",
        "credentials.yml",
        *spacy,
    }


def actions_image_files() -> Set[str]:
    """What the action server reads (every module of actions/, which it registers, and its own) and
    the demo page, which the same image serves."""
    from serving.demo_server import WIDGET_FILES

    actions = [f"actions.{path.stem}" for path in (ROOT / "actions").glob("*.py")]
    modules = [*actions, action_server_command(5055)[2], "serving.demo_server"]
    signs = load_emergency_signs().files
    replies = sorted(REPLIES_FOLDER.glob("*.yml"))
    data = [
        DEFAULT_KNOWLEDGE_FILE,
        VOCABULARY_FILE,
        SETTINGS_FILE,
        *signs,
        *replies,
        *(path for path, _ in WIDGET_FILES.values()),
    ]
    return project_files_imported(modules) | {str(path.relative_to(ROOT)) for path in data}


# --- the checks ------------------------------------------------------------------------------------


# Compose-only services: monitoring, which `make cluster` (no Docker) does not run.
MONITORING = {"prometheus", "grafana"}


def service_problems(compose: Mapping, processes: Iterable[str]) -> List[str]:
    services, processes = set(compose["services"]) - MONITORING, set(processes)
    missing = [
        f"`make cluster` starts {name}, docker-compose.yml has no such service" for name in sorted(processes - services)
    ]
    return missing + [
        f"docker-compose.yml runs {name}, which `make cluster` does not" for name in sorted(services - processes)
    ]


def haproxy_problems(
    haproxy: HaproxyConfig, compose: Mapping, processes: Iterable[str], cluster_env: Mapping[str, str]
) -> List[str]:
    problems = []
    service = compose["services"].get("haproxy") or {}
    env = environment(service)
    for server in haproxy.servers:
        if server.name not in compose["services"]:
            problems.append(f"haproxy.cfg's server {server.name} is no service of docker-compose.yml")
        if server.name not in set(processes):
            problems.append(f"haproxy.cfg's server {server.name} is no process of `make cluster`")
        host = (env.get(server.address_variable) or "").rsplit(":", 1)[0]
        if host != server.name:
            problems.append(f"haproxy.cfg's server {server.name} is at {server.address_variable}={host!r} in compose")
    for variable in sorted(haproxy.variables):
        if env.get(variable) is None:
            problems.append(f"haproxy.cfg uses ${{{variable}}}, which the haproxy service does not set")
        if variable not in cluster_env:
            problems.append(f"haproxy.cfg uses ${{{variable}}}, which cluster_environment() does not set")
    mounts = [str(volume).split(":") for volume in service.get("volumes") or []]
    if not any((ROOT / mount[0]).resolve() == cluster.HAPROXY_CONFIG for mount in mounts if len(mount) > 1):
        problems.append(f"the haproxy service does not mount {cluster.HAPROXY_CONFIG.relative_to(ROOT)}")
    return problems


def port_problems(compose: Mapping, ports: ClusterPorts) -> List[str]:
    """Patients reach HAProxy and the demo page on `make cluster`'s ports, and nothing else."""
    services = compose["services"]
    listening = {
        "haproxy": (environment(services.get("haproxy", {})).get("SI_PUBLIC_ADDRESS") or "").rsplit(":")[-1],
        "demo-page": environment(services.get("demo-page", {})).get("DEMO_PORT"),
    }
    problems = []
    for name, public in (("haproxy", ports.public), ("demo-page", ports.demo)):
        published = published_ports(services.get(name, {}))
        if published != [(public, int(listening[name] or 0))]:
            problems.append(f"{name} publishes {published}, not [({public}, {listening[name]})] as in `make cluster`")
    for name, service in services.items():
        public_ports = [port for port in service.get("ports") or [] if not str(port).startswith("127.0.0.1:")]
        if name not in listening and public_ports:
            problems.append(f"{name} publishes {published_ports(service)}: only HAProxy and the demo page are public")
    return problems


def referenced_variables(yaml_text: str) -> Set[str]:
    """The ${VAR} references among a YAML document's values (not its comments)."""

    def strings(node) -> Iterable[str]:
        if isinstance(node, dict):
            for value in node.values():
                yield from strings(value)
        elif isinstance(node, list):
            for item in node:
                yield from strings(item)
        elif isinstance(node, str):
            yield node

    return {match[0] for text in strings(yaml.safe_load(yaml_text)) for match in REFERENCE.findall(text)}


def endpoint_variable_problems(endpoints_text: str, compose: Mapping, cluster_env: Mapping[str, str]) -> List[str]:
    problems = []
    for variable in sorted(referenced_variables(endpoints_text)):
        for name in rasa_services(compose):
            if variable not in environment(compose["services"][name]):
                problems.append(f"endpoints.yml reads ${{{variable}}}, which {name} does not set or pass on")
        if variable not in cluster_env and variable not in REQUIRED_SECRETS:
            problems.append(f"endpoints.yml reads ${{{variable}}}, which cluster_environment() does not set")
    return problems


def credentials_variable_problems(credentials_text: str, compose: Mapping) -> List[str]:
    return [
        f"credentials.yml reads ${{{variable}}}, which {name} does not set or pass on"
        for variable in sorted(referenced_variables(credentials_text))
        for name in rasa_services(compose)
        if variable not in environment(compose["services"][name])
    ]


def cluster_variable_problems(compose: Mapping, cluster_env: Mapping[str, str]) -> List[str]:
    """Every variable `make cluster` sets is set in compose, with the same value unless it is an
    address or a password."""
    problems = []
    for variable, value in sorted(cluster_env.items()):
        settings = {
            name: environment(service)[variable]
            for name, service in compose["services"].items()
            if environment(service).get(variable) is not None
        }
        if not settings:
            problems.append(f"cluster_environment() sets {variable}, no service of docker-compose.yml does")
        for name, setting in settings.items():
            if not TOPOLOGY.search(variable) and default_of(setting) != value:
                problems.append(f"{name}: {variable}={setting!r}, `make cluster` gives {value!r}")
    return problems


def secret_problems(compose: Mapping, compose_text: str) -> List[str]:
    problems = []
    for name, service in compose["services"].items():
        for variable, value in environment(service).items():
            if SECRET_NAME.search(variable) and value is not None:
                match = REFERENCE.fullmatch(value)
                if not match or (match.group(2) in ("-", ":-") and match.group(3)):
                    problems.append(f"{name}: {variable} has a value in the file; take it from the environment")
        arguments = [str(word) for key in ("command", "entrypoint") for word in service.get(key) or []]
        for option, value in zip(arguments, arguments[1:], strict=False):
            if re.fullmatch(
                r"--?\w*(pass|token|secret|key|auth)\w*", option, re.IGNORECASE
            ) and not REFERENCE.fullmatch(value):
                problems.append(f"{name}: {option} has a value in the file; take it from the environment")
        for variable in REQUIRED_SECRETS:
            if name in rasa_services(compose) and variable not in environment(service):
                problems.append(f"{name} does not get {variable}")
    for match in REFERENCE.finditer(compose_text):
        if match.group(1) in REQUIRED_SECRETS and match.group(2) != ":?":
            problems.append(f"{match.group(0)}: a required secret must be ${{{match.group(1)}:?message}}")
    for name in [n for n in compose["services"] if n.startswith("actions-")]:
        if ACTION_TOKEN_VARIABLE not in environment(compose["services"][name]):
            problems.append(f"{name} does not get {ACTION_TOKEN_VARIABLE}")
    postgres = environment(compose["services"].get("postgres", {})).get("POSTGRES_PASSWORD") or ""
    if not postgres.startswith("${SI_DB_PASSWORD:?"):
        problems.append("postgres: POSTGRES_PASSWORD must come from ${SI_DB_PASSWORD:?...}")
    return problems


def image_problems(compose: Mapping, haproxy: HaproxyConfig, dockerfiles: Mapping[str, Dockerfile]) -> List[str]:
    """Each HAProxy server's image is on the base requirements.txt pins, listens on the port HAProxy
    calls, and its HEALTHCHECK and compose's health check ask the path HAProxy's check asks."""
    pins = pinned_versions()
    bases = {"rasa": f"rasa/rasa:{pins['rasa']}", "actions": f"rasa/rasa-sdk:{pins['rasa-sdk']}"}
    haproxy_env = environment(compose["services"].get("haproxy", {}))
    problems = []
    for server in haproxy.servers:
        service = compose["services"].get(server.name)
        if service is None:
            continue
        dockerfile_path = (service.get("build") or {}).get("dockerfile", "")
        dockerfile = dockerfiles.get(dockerfile_path)
        if dockerfile is None:
            problems.append(f"{server.name} is built from {dockerfile_path!r}, not one of {sorted(dockerfiles)}")
            continue
        port = (haproxy_env.get(server.address_variable) or "").rsplit(":", 1)[-1]
        url = f"http://127.0.0.1:{port}{server.check_path}"
        base = bases[server.name.split("-")[0]]
        if dockerfile.base != base:
            problems.append(f"{dockerfile_path} is built on {dockerfile.base}, not {base}")
        if f"--port {port}" not in dockerfile.command:
            problems.append(f"{dockerfile_path} does not listen on {port}, where HAProxy calls {server.name}")
        if URL.findall(dockerfile.healthcheck) != [url]:
            problems.append(
                f"{dockerfile_path}'s HEALTHCHECK asks {URL.findall(dockerfile.healthcheck)}, "
                f"HAProxy's check asks {url}"
            )
        if URL.findall(healthcheck_text(service)) != [url]:
            problems.append(
                f"{server.name}'s health check asks {URL.findall(healthcheck_text(service))}, "
                f"HAProxy's check asks {url}"
            )
    demo = compose["services"].get("demo-page", {})
    demo_url = f"http://127.0.0.1:{environment(demo).get('DEMO_PORT')}/"
    if URL.findall(healthcheck_text(demo)) != [demo_url]:
        problems.append(f"demo-page's health check asks {URL.findall(healthcheck_text(demo))}, not {demo_url}")
    return problems


def command_problems(dockerfile: Dockerfile, command: List[str]) -> List[str]:
    """The image starts the server as serving.stack does: the same module and every option."""
    expected = [command[2], *(word for word in command if word.startswith("--"))]
    return [
        f"the image's command lacks {word} (serving.stack runs {' '.join(command[1:])})"
        for word in expected
        if not re.search(rf"(^|\s){re.escape(word)}(\s|$)", dockerfile.command)
    ]


def image_content_problems(dockerfile: Dockerfile, files: Iterable[str]) -> List[str]:
    return [
        f"{path} is not in the image at {PurePosixPath(dockerfile.workdir) / path}"
        for path in sorted(files)
        if not dockerfile.contains(path)
    ]


def dockerignore_rules(text: str) -> List[Tuple[bool, re.Pattern]]:
    rules = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negated, pattern = line.startswith("!"), line.lstrip("!").strip("/")
        regex = re.escape(pattern).replace(r"\*\*/", "(?:.*/)?").replace(r"\*\*", ".*")
        regex = regex.replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
        rules.append((negated, re.compile(regex + "$")))
    return rules


def ignored(path: str, rules: List[Tuple[bool, re.Pattern]]) -> bool:
    """Docker's rule: the last pattern matching the path or one of its folders decides."""
    parts = path.split("/")
    candidates = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    result = False
    for negated, regex in rules:
        if any(regex.match(candidate) for candidate in candidates):
            result = not negated
    return result


LEAVE_OUT = (
    ".git/HEAD",
    ".venv/bin/python",
    "var/cluster/postgres",
    "tests/conftest.py",
    "web/node_modules/socket.io-client/package.json",
    "build/local-secrets.env",
    "build/credentials.yml",
    "build/starter/config.yml",
    ".env",
)


def dockerignore_problems(text: str, dockerfiles: Iterable[Dockerfile]) -> List[str]:
    rules = dockerignore_rules(text)
    sources = {source for dockerfile in dockerfiles for source in dockerfile.context_sources}
    return [
        f".dockerignore leaves out {source}, which an image copies"
        for source in sorted(sources)
        if ignored(source, rules)
    ] + [f".dockerignore lets {path} into the build context" for path in LEAVE_OUT if not ignored(path, rules)]


def duration_s(value: str) -> float:
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001}
    return sum(float(number) * units[unit] for number, unit in re.findall(r"([\d.]+)(ms|h|m|s)", str(value)))


def policy_problems(compose: Mapping) -> List[str]:
    """Restarts, health checks and start order: each service restarts unless stopped and has a
    health check; a service waits for the stores it uses to be healthy, HAProxy for its servers to
    be started; a Rasa server may drain for SI_DRAIN_SECONDS before it is killed."""
    services = compose["services"]
    problems = []
    for name, service in services.items():
        env = environment(service)
        depends = service.get("depends_on") or {}
        if service.get("restart") != "unless-stopped":
            problems.append(f"{name}: restart is {service.get('restart')!r}, not unless-stopped")
        if not healthcheck_text(service):
            problems.append(f"{name} has no health check")
        if not isinstance(depends, dict) or any("condition" not in (rule or {}) for rule in depends.values()):
            problems.append(f"{name}: depends_on without conditions")
            continue
        for variable in ("SI_DB_HOST", "SI_REDIS_HOST"):
            store = env.get(variable)
            if store and (depends.get(store) or {}).get("condition") != "service_healthy":
                problems.append(f"{name} does not wait for {store} to be healthy")
        drain = float(default_of(env.get("SI_DRAIN_SECONDS")) or 0)
        if drain and duration_s(service.get("stop_grace_period", "10s")) <= drain:
            problems.append(f"{name}: stop_grace_period must exceed SI_DRAIN_SECONDS ({drain:.0f} s)")
    haproxy = services.get("haproxy", {})
    servers = {(value or "").rsplit(":", 1)[0] for value in environment(haproxy).values()} & set(services)
    for server in sorted(servers - set(haproxy.get("depends_on") or {})):
        problems.append(f"haproxy does not wait for {server}")
    return problems


# --- fixtures --------------------------------------------------------------------------------------


@dataclass
class _Recorder:
    name: str
    started: Set[str]

    def start(self) -> _Recorder:
        self.started.add(self.name)
        return self

    def stop(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def cluster_processes(tmp_path_factory) -> Set[str]:
    """The names of the processes `make cluster` starts: start_cluster itself, with its servers
    replaced by recorders (no PostgreSQL, Redis, HAProxy, model or server is started)."""
    started: Set[str] = set()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cluster, "MODEL", Path(__file__))
        patch.setattr(cluster, "install_cluster_software", lambda: None)
        patch.setattr(cluster, "Redis", lambda port: _Recorder("redis", started))
        patch.setattr(cluster, "prepared_postgres", lambda folder, port: _Recorder("postgres", started).start())
        patch.setattr(cluster.Cluster, "start", lambda self, name, command: started.add(name))
        cluster.start_cluster(PORTS, {}, data=tmp_path_factory.mktemp("cluster"))
    return started


@pytest.fixture(scope="module")
def compose() -> dict:
    return load_compose()


@pytest.fixture(scope="module")
def haproxy() -> HaproxyConfig:
    return parse_haproxy(cluster.HAPROXY_CONFIG.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def dockerfiles() -> Dict[str, Dockerfile]:
    return {path: read_dockerfile(path) for path in (RASA_DOCKERFILE, ACTIONS_DOCKERFILE)}


# --- the tests -------------------------------------------------------------------------------------


def test_the_cluster_is_what_the_checks_expect(cluster_processes, haproxy):
    """Guards the checks themselves: they compare something real."""
    rasa = {f"rasa-{n}" for n in range(1, INSTANCES + 1)}
    assert rasa | {f"actions-{n}" for n in range(1, INSTANCES + 1)} <= cluster_processes
    assert {"postgres", "redis", "haproxy", "demo-page"} <= cluster_processes
    assert {server.name for server in haproxy.servers} >= rasa and haproxy.variables


def test_compose_runs_the_processes_of_make_cluster(compose, cluster_processes):
    assert service_problems(compose, cluster_processes) == []


def test_haproxy_servers_and_variables_are_in_compose_and_the_cluster(haproxy, compose, cluster_processes):
    assert haproxy_problems(haproxy, compose, cluster_processes, CLUSTER_ENV) == []


def test_public_ports_are_those_of_make_cluster(compose):
    assert port_problems(compose, PORTS) == []


def test_every_endpoint_variable_is_set_in_each_rasa_service_and_the_cluster(compose):
    assert endpoint_variable_problems((ROOT / "endpoints.yml").read_text(encoding="utf-8"), compose, CLUSTER_ENV) == []


def test_every_channel_variable_reaches_each_rasa_service(compose):
    assert credentials_variable_problems((ROOT / "credentials.yml").read_text(encoding="utf-8"), compose) == []


def test_compose_sets_every_cluster_variable_to_the_same_value(compose):
    assert cluster_variable_problems(compose, CLUSTER_ENV) == []


def test_compose_names_no_secret_value(compose):
    assert secret_problems(compose, COMPOSE_FILE.read_text(encoding="utf-8")) == []


def test_images_are_pinned_and_checked_where_haproxy_checks(compose, haproxy, dockerfiles):
    assert image_problems(compose, haproxy, dockerfiles) == []


def test_images_start_the_servers_as_serving_stack_does(dockerfiles):
    rasa = rasa_server_command(
        5005, Path("credentials.yml"), Path("endpoints.yml"), {"SI_ALLOWED_ORIGINS": "https://www.example.com"}
    )
    assert command_problems(dockerfiles[RASA_DOCKERFILE], rasa) == []
    assert "channels.credentials" in dockerfiles[RASA_DOCKERFILE].command  # writes the credentials first
    assert f"--model {MODEL.relative_to(ROOT)}" in dockerfiles[RASA_DOCKERFILE].command
    assert command_problems(dockerfiles[ACTIONS_DOCKERFILE], action_server_command(5055)) == []


def test_images_hold_what_the_servers_read_at_their_project_paths(dockerfiles):
    assert "build/spacy_en" in rasa_image_files() and "si_joint/__init__.py" in rasa_image_files()
    assert image_content_problems(dockerfiles[RASA_DOCKERFILE], rasa_image_files()) == []
    assert image_content_problems(dockerfiles[ACTIONS_DOCKERFILE], actions_image_files()) == []


def test_dockerignore_keeps_local_and_secret_files_out_and_the_copied_ones_in(dockerfiles):
    text = (ROOT / ".dockerignore").read_text(encoding="utf-8")
    assert dockerignore_problems(text, dockerfiles.values()) == []


def test_services_restart_report_health_and_start_in_order(compose):
    assert policy_problems(compose) == []


# --- the checks fail on drift ----------------------------------------------------------------------


def _without(mapping: Mapping, key: str) -> dict:
    return {k: v for k, v in mapping.items() if k != key}


def _with_service(compose: Mapping, name: str, **changes) -> dict:
    drifted = copy.deepcopy(dict(compose))
    drifted["services"] = {**drifted["services"], name: {**copy.deepcopy(compose["services"][name]), **changes}}
    return drifted


def _with_env(compose: Mapping, name: str, **env) -> dict:
    service_env = {**environment(compose["services"][name]), **env}
    return _with_service(compose, name, environment={k: v for k, v in service_env.items() if v != "<removed>"})


def test_drifted_services_are_reported(compose, cluster_processes):
    drifted = {**compose, "services": _without(compose["services"], "rasa-2")}
    assert service_problems(drifted, cluster_processes) == [
        "`make cluster` starts rasa-2, docker-compose.yml has no such service"
    ]
    extra = {**compose, "services": {**compose["services"], "rasa-3": compose["services"]["rasa-1"]}}
    assert service_problems(extra, cluster_processes) == [
        "docker-compose.yml runs rasa-3, which `make cluster` does not"
    ]


def test_drifted_haproxy_config_is_reported(haproxy, compose, cluster_processes):
    text = cluster.HAPROXY_CONFIG.read_text(encoding="utf-8") + '    server rasa-3 "${SI_RASA_3_ADDRESS}" check\n'
    problems = haproxy_problems(parse_haproxy(text), compose, cluster_processes, CLUSTER_ENV)
    assert any("server rasa-3 is no service" in p for p in problems)
    assert any("server rasa-3 is no process" in p for p in problems)
    assert any("${SI_RASA_3_ADDRESS}, which the haproxy service does not set" in p for p in problems)
    assert any("${SI_RASA_3_ADDRESS}, which cluster_environment() does not set" in p for p in problems)
    swapped = _with_env(compose, "haproxy", SI_RASA_1_ADDRESS="rasa-2:5005")
    assert (
        haproxy_problems(haproxy, swapped, cluster_processes, CLUSTER_ENV)
        == ["haproxy.cfg's server rasa-1 is at SI_RASA_1_ADDRESS='rasa-2' in compose"] * 2
    )


def test_drifted_ports_are_reported(compose):
    assert port_problems(_with_service(compose, "haproxy", ports=["8443:5005"]), PORTS) == [
        "haproxy publishes [(8443, 5005)], not [(5005, 5005)] as in `make cluster`"
    ]
    assert port_problems(_with_service(compose, "redis", ports=["6379:6379"]), PORTS) == [
        "redis publishes [(6379, 6379)]: only HAProxy and the demo page are public"
    ]


def test_a_missing_endpoint_or_channel_variable_is_reported(compose):
    drifted = _with_env(compose, "rasa-2", SI_LOCK_STORE="<removed>", SI_SLACK_BOT_TOKEN="<removed>")
    endpoints = (ROOT / "endpoints.yml").read_text(encoding="utf-8")
    assert endpoint_variable_problems(endpoints, drifted, CLUSTER_ENV) == [
        "endpoints.yml reads ${SI_LOCK_STORE}, which rasa-2 does not set or pass on"
    ]
    assert endpoint_variable_problems(endpoints, compose, _without(CLUSTER_ENV, "SI_LOCK_STORE")) == [
        "endpoints.yml reads ${SI_LOCK_STORE}, which cluster_environment() does not set"
    ]
    credentials = (ROOT / "credentials.yml").read_text(encoding="utf-8")
    assert credentials_variable_problems(credentials, drifted) == [
        "credentials.yml reads ${SI_SLACK_BOT_TOKEN}, which rasa-2 does not set or pass on"
    ]


def test_drifted_cluster_variables_are_reported(compose):
    assert cluster_variable_problems(_with_env(compose, "rasa-1", SI_LOCK_STORE="in_memory"), CLUSTER_ENV) == [
        "rasa-1: SI_LOCK_STORE='in_memory', `make cluster` gives 'serving.lock_store.AtomicRedisLockStore'"
    ]
    assert cluster_variable_problems(compose, {**CLUSTER_ENV, "SI_NEW_SETTING": "1"}) == [
        "cluster_environment() sets SI_NEW_SETTING, no service of docker-compose.yml does"
    ]


def test_a_secret_value_in_compose_is_reported(compose):
    literal = _with_env(compose, "rasa-1", SI_REST_TOKEN="0123456789abcdef0123456789abcdef")
    assert secret_problems(literal, "") == [
        "rasa-1: SI_REST_TOKEN has a value in the file; take it from the environment"
    ]
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    defaulted = text.replace("${SI_SECRET_KEY:?", "${SI_SECRET_KEY:-", 1)
    assert secret_problems(load_compose(defaulted), defaulted) == [
        "rasa-1: SI_SECRET_KEY has a value in the file; take it from the environment",
        "rasa-2: SI_SECRET_KEY has a value in the file; take it from the environment",
        "${SI_SECRET_KEY:-set SI_SECRET_KEY (32+ random characters)}: a required secret must be "
        "${SI_SECRET_KEY:?message}",
    ]
    assert secret_problems(_with_env(compose, "postgres", POSTGRES_PASSWORD="postgres"), text) == [
        "postgres: POSTGRES_PASSWORD has a value in the file; take it from the environment",
        "postgres: POSTGRES_PASSWORD must come from ${SI_DB_PASSWORD:?...}",
    ]
    redis = compose["services"]["redis"]
    in_command = _with_service(compose, "redis", command=[*redis["command"][:-1], "hunter2hunter2"])
    assert secret_problems(in_command, text) == [
        "redis: --requirepass has a value in the file; take it from the environment"
    ]


def test_a_drifted_image_is_reported(compose, haproxy, dockerfiles):
    text, base = (ROOT / RASA_DOCKERFILE).read_text(encoding="utf-8"), dockerfiles[RASA_DOCKERFILE].base
    drifted = {
        **dockerfiles,
        RASA_DOCKERFILE: parse_dockerfile(
            text.replace(f"FROM {base}", "FROM rasa/rasa:latest").replace("5005/ready", "5005/")
        ),
    }
    problems = image_problems(compose, haproxy, drifted)
    assert f"{RASA_DOCKERFILE} is built on rasa/rasa:latest, not {base}" in problems
    assert any(p.startswith(f"{RASA_DOCKERFILE}'s HEALTHCHECK asks ['http://127.0.0.1:5005/']") for p in problems)
    moved = _with_env(compose, "haproxy", SI_ACTIONS_1_ADDRESS="actions-1:5056")
    assert f"{ACTIONS_DOCKERFILE} does not listen on 5056, where HAProxy calls actions-1" in image_problems(
        moved, haproxy, dockerfiles
    )


def test_a_drifted_command_or_missing_file_is_reported(dockerfiles):
    text = (ROOT / RASA_DOCKERFILE).read_text(encoding="utf-8")
    drifted = parse_dockerfile(
        text.replace(" --endpoints endpoints.yml", "").replace(
            "COPY build/spacy_en/ build/spacy_en/", "COPY build/spacy_en/ spacy_en/"
        )
    )
    rasa = rasa_server_command(5005, Path("c.yml"), Path("endpoints.yml"), {"SI_ALLOWED_ORIGINS": "https://a.org"})
    assert command_problems(drifted, rasa) == [
        f"the image's command lacks --endpoints (serving.stack runs {' '.join(rasa[1:])})"
    ]
    assert image_content_problems(drifted, {"build/spacy_en", "si_joint/__init__.py"}) == [
        "build/spacy_en is not in the image at /app/build/spacy_en"
    ]


def test_a_drifted_dockerignore_is_reported(dockerfiles):
    text = (ROOT / ".dockerignore").read_text(encoding="utf-8")
    problems = dockerignore_problems(text.replace("build/*\n", "") + "\ncontent/settings\n", dockerfiles.values())
    assert problems == [
        ".dockerignore leaves out content/settings, which an image copies",
        ".dockerignore lets build/credentials.yml into the build context",
        ".dockerignore lets build/starter/config.yml into the build context",
    ]


def test_drifted_policies_are_reported(compose):
    drifted = _with_service(
        compose,
        "rasa-1",
        restart="no",
        stop_grace_period="10s",
        depends_on={"postgres": {"condition": "service_started"}, "redis": {"condition": "service_healthy"}},
    )
    drifted = _with_service(
        drifted, "haproxy", depends_on=_without(compose["services"]["haproxy"]["depends_on"], "actions-2")
    )
    assert policy_problems(drifted) == [
        "rasa-1: restart is 'no', not unless-stopped",
        "rasa-1 does not wait for postgres to be healthy",
        "rasa-1: stop_grace_period must exceed SI_DRAIN_SECONDS (12 s)",
        "haproxy does not wait for actions-2",
    ]


def test_the_grafana_dashboard_shows_only_metrics_the_servers_export():
    from si_joint.service_metrics import ServiceMetrics

    metrics = ServiceMetrics()
    for name in ("turns", "fallback_replies", "not_covered_replies", "emergency_replies", "errors", "silent_turns"):
        metrics.count(name, "rest")
    metrics.observe_turn("rest", 0.02)
    exported = set(re.findall(r"^(si_assistant_\w+?)(?:\{| )", metrics.render(), re.MULTILINE))
    dashboard = json.loads((ROOT / "deploy" / "grafana" / "dashboards" / "si-assistant.json").read_text())
    queried = {
        m for panel in dashboard["panels"] for t in panel["targets"] for m in re.findall(r"si_assistant_\w+", t["expr"])
    }
    assert queried and queried <= exported, queried - exported
    provisioned = yaml.safe_load(
        (ROOT / "deploy" / "grafana" / "provisioning" / "dashboards" / "si-assistant.yml").read_text()
    )
    compose = yaml.safe_load(COMPOSE_FILE.read_text())
    mounts = compose["services"]["grafana"]["volumes"]
    assert f"./deploy/grafana/dashboards:{provisioned['providers'][0]['options']['path']}:ro" in mounts
