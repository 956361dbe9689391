#!/usr/bin/env python3
"""echo_model.py: a toy model for receval's exec provider, and a template for your own.

receval starts this program (several copies) and talks to each copy over
stdin/stdout, one JSON object per line; see examples/README.md. Run it with

    receval chat 'exec:python3 examples/echo_model.py' "hello"

Chat: a prompt that lists numbered candidates ("1. Title") is answered with
those titles in reverse order, one per line; anything else is echoed back.
Embed: each input gets an 8-dimensional vector derived from its SHA-256.
Both are deterministic, so evaluations with it are reproducible. Replace
chat() and embed() with calls into your own model.
"""
import hashlib
import json
import re
import sys

CANDIDATE = re.compile(r"^\s*\d+[.)]\s+(.*\S)\s*$")


def chat(messages, params):
    """The answer text to a list of {"role", "content"} messages."""
    prompt = messages[-1]["content"] if messages else ""
    titles = [m.group(1) for m in map(CANDIDATE.match, prompt.splitlines()) if m]
    if titles:
        return "\n".join(reversed(titles))
    return prompt


def embed(texts, params):
    """One vector (a list of floats) per text."""
    vectors = []
    for text in texts:
        digest = hashlib.sha256(text.encode("utf-8")).digest()
        vectors.append([b / 127.5 - 1.0 for b in digest[:8]])
    return vectors


def answer(request):
    """The answer object to one request object."""
    params = request.get("params", {})
    if request["type"] == "embed":
        return {"id": request["id"], "embedding": embed(request["input"], params)}
    if request["type"] == "chat":
        text = chat(request["messages"], params)
        words_in = sum(len(m["content"].split()) for m in request["messages"])
        return {"id": request["id"], "content": text, "finish_reason": "stop",
                "usage": {"prompt_tokens": words_in, "completion_tokens": len(text.split())}}
    return {"id": request["id"], "error": "unknown request type %r" % request["type"]}


def main():
    # Diagnostics go to stderr (receval passes it through); stdout carries answers only.
    print("echo_model: ready", file=sys.stderr)
    for line in sys.stdin:  # one request per line; the loop ends when receval closes stdin
        request = json.loads(line)
        try:
            reply = answer(request)
        except Exception as e:  # report the failure for this request, keep serving the others
            reply = {"id": request.get("id"), "error": "%s: %s" % (type(e).__name__, e)}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()  # receval waits for the line: never leave it in a buffer


if __name__ == "__main__":
    main()
