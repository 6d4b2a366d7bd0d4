"""Two ways to put resources before the hipaa-cac policy pack, with one result shape.

    direct(policies, resources)   # the pack's policies called in process, as the SDK calls them
    Analyzer(pack_dir)            # the pack started as the engine starts it, spoken to over gRPC
    -> [Diagnostic(policy="hipaa-164-312-a-1", level="mandatory", resource="admin",
                   message="hipaa-164-312-a-1 (45 CFR 164.312(a)(1)): security group ..."), ...]

`Analyzer` runs `python -u -m pulumi.policy <engine> <pack dir>` in the pack
directory, reads the port it prints, and marshals properties as the engine
does: secrets as {SIG: SECRET_SIG, "value": ...}, unknowns as the unknown
sentinel string. The engine address is never dialled by a Python pack
(pulumi/policy/__main__.py only parses it), so a closed port stands in.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc
from pulumi_policy import (
    Policy,
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
)
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError, unknown_checking_proxy

from hipaa_cac.pulumi.resources import Resource

SIG = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
UNKNOWN = UNKNOWN_STRING_VALUE  # pulumi/runtime/rpc.py: UNKNOWN
LEVELS = {
    analyzer_pb2.ADVISORY: "advisory",
    analyzer_pb2.MANDATORY: "mandatory",
    analyzer_pb2.DISABLED: "disabled",
}
STACK = "<stack>"


@dataclass(frozen=True, order=True)
class Diagnostic:
    policy: str
    level: str
    resource: str  # the resource's name; STACK for the stack as a whole
    message: str


def secret(value: Any) -> dict[str, Any]:
    return {SIG: SECRET_SIG, "value": value}


def _unwrap(value: Any) -> Any:
    """The engine's secret envelopes, opened as the SDK opens them."""
    if isinstance(value, dict):
        if value.get(SIG) == SECRET_SIG:
            return _unwrap(value["value"])
        return {k: _unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwrap(v) for v in value]
    return value


def direct(policies: list[Policy], resources: list[Resource]) -> list[Diagnostic]:
    names = {r.urn: r.name for r in resources}
    found: list[Diagnostic] = []
    for policy in policies:
        level = policy.enforcement_level.value if policy.enforcement_level else "advisory"
        record = _recorder(found, names, policy.name, level)
        for r in resources:
            props = unknown_checking_proxy(_unwrap(r.props))
            args = ResourceValidationArgs(r.type, props, r.urn, r.name, _options(None), None)
            found.extend(_run(policy, args, record))
        stack = {r.urn: _policy_resource(r) for r in resources}
        for r in resources:
            stack[r.urn].property_dependencies = {
                k: [stack[u] for u in urns if u in stack]
                for k, urns in r.property_dependencies.items()
            }
        found.extend(_run(policy, StackValidationArgs(list(stack.values())), record))
    return sorted(found)


def _recorder(found: list[Diagnostic], names: dict[str, str], policy: str, level: str) -> Any:
    def record(message: str, urn: str | None = None) -> None:
        found.append(Diagnostic(policy, level, names.get(urn or "", STACK), message))

    return record


def _options(parent: str | None) -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], parent)


def _policy_resource(r: Resource) -> PolicyResource:
    props = unknown_checking_proxy(_unwrap(r.props))
    return PolicyResource(r.type, props, r.urn, r.name, _options(r.parent), None, None, [], {})


def _run(policy: Any, args: Any, record: Any) -> list[Diagnostic]:
    try:
        policy.validate(args, record)
    except UnknownValueError as exc:
        # What the SDK makes of it: one advisory diagnostic without a URN.
        return [Diagnostic(policy.name, "advisory", STACK, PREVIEW + exc.message)]
    return []


PREVIEW = "during preview: "


class Analyzer:
    """The pack as a process; use as a context manager."""

    def __init__(self, pack_dir: Path) -> None:
        self.pack_dir = pack_dir

    def __enter__(self) -> Analyzer:
        self.process = subprocess.Popen(
            [sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", str(self.pack_dir)],
            cwd=self.pack_dir,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().decode().strip()
        if not line.isdigit():
            self.process.kill()
            raise RuntimeError(f"pack did not print a port: {self.process.stderr.read()!r}")  # type: ignore[union-attr]
        self.channel = grpc.insecure_channel(f"127.0.0.1:{line}")
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self.channel)
        return self

    def __exit__(self, *exc: object) -> None:
        self.channel.close()
        self.process.terminate()
        self.process.wait(timeout=10)

    def info(self) -> Any:
        return self.stub.GetAnalyzerInfo(empty_pb2.Empty())

    def configure(self, levels: dict[str, str]) -> None:
        codes = {v: k for k, v in LEVELS.items()}
        config = {
            name: analyzer_pb2.PolicyConfig(enforcementLevel=codes[level])
            for name, level in levels.items()
        }
        self.stub.Configure(analyzer_pb2.ConfigureAnalyzerRequest(policyConfig=config))

    def analyze(self, resource: Resource) -> list[Diagnostic]:
        request = analyzer_pb2.AnalyzeRequest(
            type=resource.type,
            properties=_struct(resource.props),
            urn=resource.urn,
            name=resource.name,
            options=analyzer_pb2.AnalyzerResourceOptions(parent=resource.parent or ""),
        )
        return _diagnostics(self.stub.Analyze(request), {resource.urn: resource.name})

    def analyze_stack(self, resources: Iterable[Resource]) -> list[Diagnostic]:
        listed = list(resources)
        request = analyzer_pb2.AnalyzeStackRequest(
            resources=[
                analyzer_pb2.AnalyzerResource(
                    type=r.type,
                    properties=_struct(r.props),
                    urn=r.urn,
                    name=r.name,
                    options=analyzer_pb2.AnalyzerResourceOptions(parent=r.parent or ""),
                    parent=r.parent or "",
                    propertyDependencies={
                        k: analyzer_pb2.AnalyzerPropertyDependencies(urns=v)
                        for k, v in r.property_dependencies.items()
                    },
                )
                for r in listed
            ]
        )
        return _diagnostics(self.stub.AnalyzeStack(request), {r.urn: r.name for r in listed})

    def all(self, resources: list[Resource]) -> list[Diagnostic]:
        """What a deployment sees: Analyze for each resource, then AnalyzeStack."""
        found = [d for r in resources for d in self.analyze(r)]
        return sorted([*found, *self.analyze_stack(resources)])


def _struct(props: dict[str, Any]) -> struct_pb2.Struct:
    value = struct_pb2.Struct()
    value.update(props)
    return value


def _diagnostics(response: Any, names: dict[str, str]) -> list[Diagnostic]:
    found = []
    for d in response.diagnostics:
        # The SDK puts the policy description before the reported message, and
        # "can't run policy '<name>' from policy pack '<pack>@v<v>' " before an unknown's.
        message = d.message.removeprefix(d.description).lstrip("\n")
        if message.startswith("can't run policy") and PREVIEW in message:
            message = PREVIEW + message.split(PREVIEW, 1)[1]
        found.append(
            Diagnostic(d.policyName, LEVELS[d.enforcementLevel], names.get(d.urn, STACK), message)
        )
    return sorted(found)
