"""Run the real AIPerf and GuideLLM against a local mock server, offline (used by test_realtools.py, and by hand to
refresh tests/fixtures/tools/: ``python -m tests.realtools OUT_DIR``).

The tools live in their own virtual environments (``.ci/run`` installs them, pinned in ``.ci/tool-versions``) under
``$TCO_REPORT_TOOLS_DIR`` (default ``~/.cache/tco-report-tools/<name>-<version>/``), never in the project's venv.
Nothing is downloaded: the server is GuideLLM's ``mock-server`` on 127.0.0.1 with its built-in tokenizer, and the
tokenizer the tools count tokens with is a tiny byte-level BPE built here with the ``tokenizers`` package and
saved with transformers' ``save_pretrained`` into a private Hugging Face cache, read with ``HF_HUB_OFFLINE=1``
(AIPerf 0.13 in offline mode loads tokenizers only from that cache, not from a plain folder).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL = "tiny"
TOKENIZER = "tco-report/tiny-bpe"  # the name in the private HF cache
_SNAPSHOT = "0" * 40


def versions() -> dict[str, str]:
    """{tool: version} pinned in .ci/tool-versions."""
    out = {}
    for line in (ROOT / ".ci" / "tool-versions").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split()
            out[name] = version
    return out


def tools_dir() -> Path:
    return Path(os.environ.get("TCO_REPORT_TOOLS_DIR", Path.home() / ".cache" / "tco-report-tools"))


def tool_bin(name: str) -> Path:
    """The bin folder of the tool's own venv (it may not exist: the caller decides to skip or fail)."""
    return tools_dir() / f"{name}-{versions()[name]}" / "bin"


def offline_env(hf_home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_"))}
    env.update(HF_HOME=str(hf_home), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", HF_DATASETS_OFFLINE="1")
    env.update(NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost", PYTHONUNBUFFERED="1")
    return env


_MAKE_TOKENIZER = r"""
import sys
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import PreTrainedTokenizerFast

tok = Tokenizer(models.BPE())
tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
tok.decoder = decoders.ByteLevel()
text = ["the quick brown fox jumps over the lazy dog", "to be or not to be that is the question"]
trainer = trainers.BpeTrainer(
    vocab_size=400, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), special_tokens=["<|endoftext|>"]
)
tok.train_from_iterator(text * 8, trainer)
PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|endoftext|>", bos_token="<|endoftext|>").save_pretrained(
    sys.argv[1]
)
"""


def make_tokenizer(python: Path, hf_home: Path) -> None:
    """A tiny tokenizer in a private HF cache (hub/models--tco-report--tiny-bpe/snapshots/<rev>/), built offline."""
    repo = hf_home / "hub" / ("models--" + TOKENIZER.replace("/", "--"))
    snap = repo / "snapshots" / _SNAPSHOT
    snap.mkdir(parents=True, exist_ok=True)
    (repo / "refs").mkdir(exist_ok=True)
    (repo / "refs" / "main").write_text(_SNAPSHOT)
    subprocess.run(
        [str(python), "-c", _MAKE_TOKENIZER, str(snap)],
        check=True,
        env=offline_env(hf_home),
        timeout=120,
        capture_output=True,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MockServer:
    """GuideLLM's OpenAI-compatible mock server on 127.0.0.1; killed on exit, and by ``timeout`` at the latest."""

    def __init__(self, guidellm_bin: Path, hf_home: Path, log: Path, lifetime_s: int = 1800):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = ["timeout", str(lifetime_s), str(guidellm_bin / "guidellm"), "mock-server", "--host", "127.0.0.1"]
        cmd += ["--port", str(self.port), "--model", MODEL, "--ttft-ms", "20", "--itl-ms", "2", "--output-tokens", "32"]
        self._log = open(log, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            cmd, stdout=self._log, stderr=subprocess.STDOUT, env=offline_env(hf_home), start_new_session=True
        )

    def wait_ready(self, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"guidellm mock-server exited with {self.proc.returncode}")
            try:
                with urllib.request.urlopen(self.url + "/v1/models", timeout=2) as r:  # noqa: S310 - 127.0.0.1
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"guidellm mock-server did not answer on {self.url} within {timeout_s:g} s")

    def stop(self) -> None:
        """Stop the server and its worker processes (its own process group)."""
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        except ProcessLookupError:
            pass
        self._log.close()

    def __enter__(self) -> MockServer:
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _run(cmd: list[str], env: dict[str, str], log: Path, timeout_s: int) -> None:
    """Run a tool in its own process group; past the timeout the whole group (its worker processes too) is killed."""
    with open(log, "w") as fh:
        p = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, env=env, cwd=log.parent, start_new_session=True)
        try:
            p.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            raise RuntimeError(f"{' '.join(cmd[:3])} ... did not finish within {timeout_s} s; its log: {log}") from None
    if p.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-25:])
        raise RuntimeError(f"{' '.join(cmd[:3])} ... exited with {p.returncode}; last lines of {log}:\n{tail}")


def run_aiperf(aiperf_bin: Path, url: str, out: Path, hf_home: Path, *load: str, runs: int = 1) -> Path:
    """``aiperf profile`` at the given load (``--concurrency 1,2,4`` or ``--request-rate 20``); its artifact dir."""
    cmd = [str(aiperf_bin / "aiperf"), "profile", "--model", MODEL, "--url", url, "--endpoint-type", "chat"]
    cmd += ["--streaming", "--tokenizer", TOKENIZER, *load, "--request-count", "12", "--warmup-request-count", "2"]
    cmd += ["--synthetic-input-tokens-mean", "64", "--output-tokens-mean", "32", "--ui-type", "none"]
    cmd += ["--artifact-dir", str(out), "--num-profile-runs", str(runs), "--no-server-metrics", "--no-gpu-telemetry"]
    out.parent.mkdir(parents=True, exist_ok=True)
    _run(cmd, offline_env(hf_home), out.parent / f"{out.name}.log", timeout_s=480)
    return out


def run_guidellm(guidellm_bin: Path, url: str, out: Path, hf_home: Path, profile: str, *extra: str) -> Path:
    """``guidellm run`` with the given profile, 24 requests per benchmark, writing benchmarks.{json,csv,yaml} in out."""
    out.mkdir(parents=True, exist_ok=True)
    tok = hf_home / "hub" / ("models--" + TOKENIZER.replace("/", "--")) / "snapshots" / _SNAPSHOT
    cmd = [str(guidellm_bin / "guidellm"), "run", "--backend", f"kind=openai_http,target={url}"]
    # A request count, not a duration, bounds each benchmark (24 requests: 1-3 s here): on a busy machine a short
    # duration can pass before the workers have sent anything; the duration is only a safety cap.
    cmd += ["--profile", profile, *extra, "--constraint", "kind=max_requests,count=24"]
    cmd += ["--constraint", "kind=max_duration,seconds=30"]
    cmd += ["--tokenizer", f"kind=huggingface_auto,model={tok}"]
    cmd += ["--data", "kind=synthetic_text,prompt_tokens=64,output_tokens=32", "--disable-console-interactive"]
    for fmt in ("json", "csv", "yaml"):
        cmd += ["--output", f"kind={fmt},path={out / ('benchmarks.' + fmt)}"]
    _run(cmd, offline_env(hf_home), out.parent / f"{out.name}.log", timeout_s=480)
    return out


def run_all(work: Path) -> dict[str, Path]:
    """Every run the conformance test checks: AIPerf at concurrency 1,2,4 (one sweep) and at 20 req/s (two runs),
    GuideLLM at concurrency 1,2,4 (one file) and at a constant 20 req/s. Returns the output folders by name."""
    hf_home = work / "hf"
    aiperf, guidellm = tool_bin("aiperf"), tool_bin("guidellm")
    make_tokenizer(aiperf / "python", hf_home)
    with MockServer(guidellm, hf_home, work / "mock-server.log") as server:
        return {
            "aiperf-concurrency": run_aiperf(
                aiperf, server.url, work / "aiperf-concurrency", hf_home, "--concurrency", "1,2,4"
            ),
            "aiperf-rate": run_aiperf(
                aiperf, server.url, work / "aiperf-rate", hf_home, "--request-rate", "20", runs=2
            ),
            "guidellm-concurrency": run_guidellm(
                guidellm,
                server.url,
                work / "guidellm-concurrency",
                hf_home,
                "kind=concurrent,streams=1",
                "--override",
                "profile.streams",
                "1,2,4",
            ),
            "guidellm-rate": run_guidellm(
                guidellm, server.url, work / "guidellm-rate", hf_home, "kind=constant,rate=20"
            ),
        }


# What the fixtures keep of a run: the aggregate results and how the run was configured, not the per-request dumps.
KEEP = ("profile_export_aiperf.json", "profile_export_aiperf.csv", "_aggregate.json", "_aggregate.csv")
KEEP += ("_sweep.json", "_sweep.csv", "benchmarks.json", "benchmarks.csv", "benchmarks.yaml")


def copy_results(src: Path, dest: Path) -> None:
    """The result files of a run folder, in their folders, without per-request exports, inputs and logs."""
    for f in sorted(src.rglob("*")):
        if f.is_file() and f.name.endswith(KEEP):
            target = dest / f.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, target)


if __name__ == "__main__":
    out = Path(sys.argv[1])
    work = out / "_work"
    for name, folder in run_all(work).items():
        copy_results(folder, out / name)
    shutil.rmtree(work)
