"""Run a real Pulumi Python program under the SDK's mocks and keep what it registers.

    resources = run_program(EXAMPLES / "noncompliant", {"dbPassword": "..."})
    -> [Resource(type="aws:s3/bucket:Bucket", urn="urn:pulumi:dev::hipaa-noncompliant::...",
                 name="phi-records", props={... inputs, "id": ..., "arn": ...},
                 parent=None, property_dependencies={"bucket": [<bucket urn>]}), ...]

The mocks answer every resource with its inputs as outputs (plus an `id` and
an `arn`, as a provider would); the monitor also records each registration's
parent and property dependencies, which the engine would pass to a policy pack.
"""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import pulumi
import yaml
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs, Mocks

from hipaa_cac.pulumi.resources import Resource

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "pulumi"
STACK = "dev"


class EchoMocks(Mocks):
    def new_resource(self, args: MockResourceArgs) -> tuple[str, dict[str, Any]]:
        physical = args.inputs.get("bucket") or args.inputs.get("name") or f"{args.name}-1234567"
        if not isinstance(physical, str):
            physical = f"{args.name}-1234567"
        arn = f"arn:aws:mock:us-east-1:123456789012:{args.typ.split(':')[-1].lower()}/{physical}"
        # What providers compute: the id, the ARN and an auto-name.
        state = {"name": physical, **args.inputs, "id": physical, "arn": arn}
        if args.typ == "aws:s3/bucket:Bucket":
            state.setdefault("bucket", physical)
        return physical, state

    def call(self, args: MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


class RecordingMonitor(MockMonitor):
    def __init__(self, mocks: Mocks) -> None:
        super().__init__(mocks)
        self.registered: list[tuple[str, str, str, str, dict[str, list[str]]]] = []

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            dependencies = {k: list(v.urns) for k, v in request.propertyDependencies.items()}
            self.registered.append(
                (response.urn, request.type, request.name, request.parent, dependencies)
            )
        return response


def run_program(program: Path, config: dict[str, str] | None = None) -> list[Resource]:
    project = yaml.safe_load((program / "Pulumi.yaml").read_text())["name"]
    monitor = RecordingMonitor(EchoMocks())
    pulumi.runtime.set_mocks(monitor.mocks, project, STACK, preview=False, monitor=monitor)
    values = {f"{project}:{k}": v for k, v in (config or {}).items()}
    pulumi.runtime.set_all_config(values, secret_keys=list(values))

    @pulumi.runtime.test
    def run() -> None:
        runpy.run_path(str(program / "__main__.py"), run_name="__main__")

    run()
    states = monitor.get_registered_resources()
    stack_urn = f"urn:pulumi:{STACK}::{project}::pulumi:pulumi:Stack::{project}-{STACK}"
    return [
        Resource(
            type_,
            urn,
            name,
            dict(states[urn].state),
            parent if parent and parent != stack_urn else None,
            dependencies,
        )
        for urn, type_, name, parent, dependencies in monitor.registered
    ]
