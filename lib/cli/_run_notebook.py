#!/usr/bin/python3
"""Execute one notebook headless with the Deno kernel; exit 1 on a cell error or a lost output.

The Deno kernel sometimes sends a cell's output ~1 ms after it reports idle, and nbclient stops listening
at idle (../shared/NOTEBOOKS.md): this client keeps reading IOPub for a grace period after idle.
Usage: _run_notebook.py IN.ipynb OUT.ipynb [timeout_s]
"""
import asyncio, queue, re, sys
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete, CellExecutionError

GRACE_S = 0.25


class GraceClient(NotebookClient):
    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        assert self.kc is not None
        done = False
        while True:
            try:
                msg = await self.kc.iopub_channel.get_msg(timeout=GRACE_S if done else None)
            except (queue.Empty, asyncio.TimeoutError):
                return
            if msg["parent_header"].get("msg_id") != parent_msg_id:
                continue
            try:
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:
                done = True


def expects_output(src: str) -> bool:
    """A cell that logs or displays, or ends in a bare expression, must have produced output."""
    code = [l for l in src.splitlines() if l.strip() and not l.strip().startswith("//")]
    if not code:
        return False
    if re.search(r"console\.(log|table)|Deno\.jupyter\.display\(", src):
        return True
    last = code[-1].rstrip()
    return not (last.endswith(";") or last.endswith("}") or last.endswith("{"))


def main():
    src, dst = sys.argv[1], sys.argv[2]
    timeout = int(sys.argv[3]) if len(sys.argv) > 3 else 1200
    nb = nbformat.read(src, as_version=4)
    client = GraceClient(nb, timeout=timeout, kernel_name="deno", resources={"metadata": {"path": src.rsplit("/", 1)[0] or "."}})
    try:
        client.execute()
    except CellExecutionError as e:
        nbformat.write(nb, dst)
        print(f"{src}: cell error\n{str(e)[-3000:]}", file=sys.stderr)
        sys.exit(1)
    nbformat.write(nb, dst)
    lost = [i for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and expects_output(c.source) and not c.get("outputs")]
    if lost:
        print(f"{src}: no output from code cell(s) {lost}", file=sys.stderr)
        sys.exit(1)
    print(f"{src}: ok ({sum(1 for c in nb.cells if c.cell_type == 'code')} code cells)")


if __name__ == "__main__":
    main()
