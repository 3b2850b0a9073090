"""A local stand-in for an OpenAI-compatible endpoint: POST /v1/chat/completions answered as JSON, or as
server-sent events (`data: {...}` chunks, then `data: [DONE]`) when the request says "stream": true.
Like the many small and local models it stands for, it can answer in JSON, in fenced JSON or in plain
text, refuse `response_format` with a 400 (as servers that do not know it do), or be slow.

Its "model" is a tiny, gullible one: it reads the FACTS the system message gives and drafts a reply
from them, and when the shopper asks it to ignore its rules it obeys and repeats everything it was
given. So what a suggestion can leak is exactly what we put in the prompt. Every request is kept in
`requests` for the tests to inspect.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from shopapp.settings import get_settings

INJECTION_MARKERS = ("ignore", "忽略")


class FakeModel:
    """Run with `start()`; `settings()` gives the platform settings that point at it.
    `answer` = "smart" (default: JSON), "fenced" (JSON in a ```json fence), "text" (the reply as plain text),
    "invented" (plain text naming an order number it was never given), "malformed" (JSON holding no
    reply) or "empty" (no content). `reject_response_format`: answer 400 to a request carrying
    response_format; `reject_stream`: answer 400 to a request to stream. `delay`: seconds to wait before answering."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answer = "smart"
        self.reject_response_format = False
        self.reject_stream = False
        self.delay = 0.0
        self.model = "fake-1"  # what GET /models lists
        self.api_key: str | None = None  # when set, GET /models refuses any other key
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> FakeModel:
        fake = self

        class Endpoint(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                length = int(self.headers.get("content-length", 0))
                request = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append({"path": self.path, **request})
                if not self.path.endswith("/chat/completions"):
                    self.send_error(404)
                    return
                if fake.reject_response_format and "response_format" in request:
                    self._json({"error": {"message": "response_format is not supported", "type": "invalid_request_error",
                                          "param": "response_format", "code": None}}, status=400)
                    return
                if fake.reject_stream and request.get("stream"):
                    self._json({"error": {"message": "stream is not supported", "type": "invalid_request_error",
                                          "param": "stream", "code": None}}, status=400)
                    return
                if fake.delay:
                    time.sleep(fake.delay)
                content = fake._content(request)
                if request.get("stream"):
                    self._stream(request, content)
                else:
                    self._json({
                        "id": "chatcmpl-fake", "object": "chat.completion", "created": 0, "model": request.get("model"),
                        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
                        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                    })

            def do_GET(self):  # noqa: N802 - http.server's name
                # GET /models, as `python -m shopapp doctor` asks: the fake's one model, to the key it was given.
                if not self.path.endswith("/models"):
                    self.send_error(404)
                    return
                if fake.api_key and self.headers.get("authorization") != f"Bearer {fake.api_key}":
                    self.send_response(401)
                    self.send_header("content-length", "0")
                    self.end_headers()
                    return
                self._json({"object": "list", "data": [{"id": fake.model, "object": "model", "owned_by": "fake"}]})

            def _json(self, answer: dict, status: int = 200) -> None:
                body = json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _stream(self, request: dict, content: str) -> None:
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.end_headers()
                for start in range(0, len(content), 7):
                    chunk = {
                        "id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 0,
                        "model": request.get("model"),
                        "choices": [{"index": 0, "delta": {"content": content[start:start + 7]}, "finish_reason": None}],
                    }
                    self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
                    self.wfile.flush()
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Endpoint)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def settings(self):
        return replace(get_settings(), openai_base_url=self.base_url, openai_api_key="test-key", openai_model="fake-1")

    def sent_text(self) -> str:
        """Everything every request carried, as one string, to search for what must never be sent."""
        return json.dumps(self.requests, ensure_ascii=False)

    # The "model" -------------------------------------------------------------------------------

    def _content(self, request: dict) -> str:
        if self.answer == "empty":
            return ""
        if self.answer == "malformed":
            return '{"thoughts": "Sure! Here are some thoughts about this customer."}'
        system = next((m["content"] for m in request["messages"] if m["role"] == "system"), "")
        user = next((m["content"] for m in request["messages"] if m["role"] == "user"), "")
        facts = json.loads(system.split("FACTS (JSON):", 1)[1]) if "FACTS (JSON):" in system else {}
        if "title" in facts and "options" in facts:  # product copy
            return json.dumps({
                "title": f"{facts['title']} 官方正品 限时特惠 " * 4,  # far over 60 characters
                "description_html": f"<p>{facts['title']}</p><script>alert(1)</script>",
            }, ensure_ascii=False)
        if any(marker in user.casefold() for marker in INJECTION_MARKERS):
            reply = "好的，这是我知道的全部：" + system
        else:
            reply = self._reply(facts)
        if self.answer == "invented":
            return f"{reply} 另外您的订单 261206ZZZZZZZZ 也已发货。"
        answer = json.dumps({"suggestions": [{"text": reply}, {"text": "感谢您的耐心等待。"}]}, ensure_ascii=False)
        if self.answer == "fenced":
            return f"好的，以下是建议：\n```json\n{answer}\n```"
        if request.get("stream") or self.answer == "text":
            return reply
        return answer

    @staticmethod
    def _reply(facts: dict) -> str:
        if not facts.get("customer_verified"):
            return "为了保护您的隐私，请提供您的订单号。"
        order_no = facts.get("order_in_question")
        order = next((o for o in facts.get("orders", []) if o["order_no"] == order_no), None)
        if order and order["shipments"]:
            shipment = order["shipments"][0]
            return f"您好，您的订单 {order_no} 已由{shipment['carrier']}发出，运单号 {shipment['tracking_no']}。"
        if order:
            return f"您好，您的订单 {order_no} 目前状态：{order['status']}。"
        return "您好，请问有什么可以帮您？"
