"""The deployment files as the tests read them: the Containerfile's instructions, and the code
blocks of docs/deploy.md (so a test runs what the docs show, and the two cannot drift).

Plain module (no pytest imports). The Containerfile reader knows just the forms that file uses:
one instruction per logical line (backslash continues it), JSON or shell form, `KEY=value` ENV.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from tests.support.server import REPO_ROOT

CONTAINERFILE = REPO_ROOT / "Containerfile"
COMPOSE_FILE = REPO_ROOT / "compose.yaml"
DEPLOY_DOC = REPO_ROOT / "docs" / "deploy.md"
OPS_DIR = REPO_ROOT / "docs" / "ops"


@dataclass(frozen=True)
class Instruction:
    keyword: str  # upper case: FROM, RUN, ENV, …
    args: str  # the rest of the logical line, continuations joined

    def exec_form(self) -> list[str]:
        """The JSON ("exec") form's argument list; anything else is a mistake in the file."""
        value = json.loads(self.args)
        assert isinstance(value, list) and all(isinstance(v, str) for v in value), self.args
        return value


@dataclass(frozen=True)
class Stage:
    base: str
    name: str | None
    instructions: tuple[Instruction, ...]

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    def one(self, keyword: str) -> Instruction:
        (found,) = self.all(keyword)
        return found

    @property
    def env(self) -> dict[str, str]:
        pairs: dict[str, str] = {}
        for instruction in self.all("ENV"):
            for word in shlex.split(instruction.args):
                key, sep, value = word.partition("=")
                assert sep, f"ENV wants KEY=value, got {word!r}"
                pairs[key] = value
        return pairs

    def healthcheck(self) -> tuple[dict[str, str], list[str]]:
        """HEALTHCHECK's options (--interval=10s → {"interval": "10s"}) and its exec-form CMD."""
        head, sep, command = self.one("HEALTHCHECK").args.partition(" CMD ")
        assert sep, "HEALTHCHECK needs a CMD"
        options = dict(word.removeprefix("--").split("=", 1) for word in head.split())
        return options, Instruction("CMD", command).exec_form()


@dataclass(frozen=True)
class Containerfile:
    args: dict[str, str]  # ARGs before the first FROM, with their defaults
    stages: tuple[Stage, ...]

    @property
    def final(self) -> Stage:
        return self.stages[-1]


def _logical_lines(text: str) -> list[str]:
    lines: list[str] = []
    current = ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if current and stripped.startswith("#"):
            continue  # a comment inside a continued instruction
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        lines.append(current + stripped)
        current = ""
    assert not current, "the last instruction ends with a backslash"
    return lines


def read_containerfile(path: Path = CONTAINERFILE) -> Containerfile:
    args: dict[str, str] = {}
    stages: list[Stage] = []
    base: str = ""
    name: str | None = None
    instructions: list[Instruction] = []
    for line in _logical_lines(path.read_text(encoding="utf-8")):
        keyword, _, rest = line.partition(" ")
        keyword, rest = keyword.upper(), rest.strip()
        if keyword == "FROM":
            if base:
                stages.append(Stage(base, name, tuple(instructions)))
            words = rest.split()
            base = words[0]
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            instructions = []
        elif not base:
            assert keyword == "ARG", f"only ARG may come before FROM, got {keyword}"
            key, _, default = rest.partition("=")
            args[key] = default
        else:
            instructions.append(Instruction(keyword, rest))
    assert base, "no FROM"
    stages.append(Stage(base, name, tuple(instructions)))
    return Containerfile(args, tuple(stages))


def docs_blocks(language: str, path: Path = DEPLOY_DOC) -> list[str]:
    """The fenced code blocks of that language in the doc, without their fences."""
    text = path.read_text(encoding="utf-8")
    pattern = rf"^```{re.escape(language)}\n(.*?)^```$"
    return re.findall(pattern, text, flags=re.MULTILINE | re.DOTALL)


def docs_block(language: str, path: Path = DEPLOY_DOC) -> str:
    """The one fenced code block of that language in the doc."""
    blocks = docs_blocks(language, path)
    assert len(blocks) == 1, f"{path.name} has {len(blocks)} ```{language} blocks, not one"
    return blocks[0]


def replace_once(text: str, old: str, new: str) -> str:
    """Templating a doc's example: each spot must be there exactly once, so a changed example
    fails the test loudly instead of being tested half-changed."""
    count = text.count(old)
    assert count == 1, f"{old!r} occurs {count} times in the example, not once"
    return text.replace(old, new)
