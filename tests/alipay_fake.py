"""A local stand-in for Alipay's open platform: its own RSA keys, a gateway that checks our
signatures and signs its answers, and notifications signed the way Alipay signs them."""

from __future__ import annotations

import base64
import json
import secrets
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from shopapp.services.payments.base import sign_content
from shopapp.settings import get_settings

APP_ID = "2021000000000001"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption(),
    ).decode()


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo,
    ).decode()


def rsa2(key: rsa.RSAPrivateKey, content: str) -> str:
    return base64.b64encode(key.sign(content.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()


def rsa2_verifies(key: rsa.RSAPrivateKey, content: str, signature: str) -> bool:
    try:
        key.public_key().verify(base64.b64decode(signature), content.encode(), padding.PKCS1v15(), hashes.SHA256())
        return True
    except Exception:  # noqa: BLE001 - any failure means "does not verify"
        return False


class FakeAlipay:
    """Run with `start()`; `settings()` gives the platform settings that point at it."""

    def __init__(self):
        self.merchant_key = new_key()  # ours: the platform signs requests with it
        self.alipay_key = new_key()  # Alipay's: it signs answers and notifications
        self.calls: list[dict] = []
        self.refuse = False
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> FakeAlipay:
        fake = self

        class Gateway(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                length = int(self.headers.get("content-length", 0))
                params = dict(parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))
                body = fake._answer(params).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json;charset=utf-8")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()

    @property
    def gateway(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/gateway.do"

    def settings(self):
        return replace(
            get_settings(), alipay_app_id=APP_ID, alipay_private_key=private_pem(self.merchant_key),
            alipay_public_key=public_pem(self.alipay_key), alipay_gateway=self.gateway,
        )

    def notification(self, out_trade_no: str, total_amount: str, trade_status: str = "TRADE_SUCCESS", **extra) -> dict:
        """An asynchronous notification as Alipay posts it, signed with Alipay's key."""
        params = {
            "notify_time": "2025-11-11 10:00:00", "notify_type": "trade_status_sync",
            "notify_id": extra.pop("notify_id", secrets.token_hex(16)), "app_id": APP_ID, "charset": "utf-8",
            "version": "1.0", "trade_no": f"2025111122001{secrets.randbelow(10**9):09d}", "out_trade_no": out_trade_no,
            "trade_status": trade_status, "total_amount": total_amount, "receipt_amount": total_amount,
            "buyer_logon_id": "138****8000", "subject": "茶舍 订单", "gmt_payment": "2025-11-11 10:00:00", **extra,
        }
        params["sign"] = rsa2(self.alipay_key, sign_content(params, leave_out=("sign", "sign_type")))
        params["sign_type"] = "RSA2"
        return params

    def _answer(self, params: dict) -> str:
        method = params.get("method", "")
        node = method.replace(".", "_") + "_response"
        if not rsa2_verifies(self.merchant_key, sign_content(params), params.get("sign", "")):
            result = {"code": "40002", "msg": "Invalid Arguments", "sub_code": "isv.invalid-signature"}
        elif self.refuse:
            result = {"code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_NOT_EXIST"}
        else:
            biz = json.loads(params["biz_content"])
            self.calls.append({"method": method, **biz})
            result = {"code": "10000", "msg": "Success", "out_trade_no": biz.get("out_trade_no"), "trade_no": "2025TRADE"}
            if method == "alipay.trade.refund":
                result.update(refund_fee=biz["refund_amount"], fund_change="Y")
            if method == "alipay.trade.query":
                result.update(trade_status="TRADE_SUCCESS")
        text = json.dumps(result, ensure_ascii=False, separators=(",", ":"))
        return f'{{"{node}":{text},"sign":"{rsa2(self.alipay_key, text)}"}}'
