"""A stand-in for the HTTP SMS providers of ritme's presets (config/providers), all four
on one loopback port, each at its own path:

    POST /v1.0/message                                  CM.com      (JSON, productToken in the body)
    POST /messages                                      MessageBird (JSON, Authorization: AccessKey KEY)
    POST /2010-04-01/Accounts/{Sid}/Messages.json       Twilio      (form, HTTP Basic Sid:Token)
    POST /v1/messages                                   Spryng      (JSON, Authorization: Bearer KEY)

Each request is checked against the shape its provider documents (messaging.md): method,
path, credentials, content type, required fields and their formats (the number as
0031…, 31… or +31… as that provider wants it, the originator's length, the encoding the
text needs). A wrong request gets HTTP 400 (401 for wrong credentials) with an error body
in that provider's style, naming what is wrong. An accepted message gets the provider's
success answer with a fresh id and is appended as one JSON line to `requests` (see the
state); every request, answered however, is appended to `seen`.

Faults: POST /_control {"answers": [...]} queues answers for the next requests, whatever
their path, in order: "400" (the provider's invalid-number error), "401" (its refused
credentials), "429" (Too Many Requests with Retry-After, "retry_after" seconds, default
600), "500", "hang" (answers nothing for "seconds", default 30), "malformed" (accepts
the message and answers 200 with a body that is not JSON), or {"status": N, "body": "…",
"headers": {…}}. POST /_control {"reset": true} empties the queue.

    start(directory) -> state     (scripts/test-servers start provider DIR)
    control(state, *answers)      queue answers
    accepted(state) / seen(state) what arrived
"""
import base64
import json
import os
import re
import secrets
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from test_servers import common  # noqa: E402

NAME = "provider"

# The credentials the stand-in expects; a test gives them to ritme's channel settings.
CREDENTIALS = {
    "cm": {"token": "8c2b5d1e-3f4a-4b6c-9d8e-7f6a5b4c3d2e"},
    "messagebird": {"token": "live_3fJ8kL2mN9pQ4rS7tV1wX6yZ"},
    "twilio": {"account": "AC" + "5e" * 16, "token": "9f8e7d6c5b4a39281706f5e4d3c2b1a0"},
    "spryng": {"token": "spryng-key-4d1c2b3a"},
}

# GSM 03.38 (messaging.md): a text with any other character needs UCS-2.
GSM7_BASIC = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
                 "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXTENSION = set("\f^{}\\[~]|€")

ALPHANUMERIC_SENDER = re.compile(r"[A-Za-z0-9 ]{1,11}")


def is_gsm7(text):
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def parts_of(text):
    if is_gsm7(text):
        septets = sum(2 if c in GSM7_EXTENSION else 1 for c in text)
        return 1 if septets <= 160 else -(-septets // 153)
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= 70 else -(-units // 67)


def now_iso():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def is_url(value):
    parsed = urllib.parse.urlsplit(value) if isinstance(value, str) else None
    return bool(parsed and parsed.scheme in ("http", "https") and parsed.netloc)


class Refusal(Exception):
    """A request the provider would refuse: HTTP status and the provider's error body."""

    def __init__(self, status, body, headers=None):
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}


# -- the four providers: check a request, answer it, and say how each one errs -----------

class Provider:
    name = ""

    def check(self, request):
        """Returns the accepted message as a record, or raises Refusal."""
        raise NotImplementedError

    def success(self, record):
        """(status, body) of the provider's answer to an accepted message."""
        raise NotImplementedError

    def invalid_number(self, request):
        """The provider's answer to a number it cannot send to, naming the request's number."""
        raise NotImplementedError

    def refused_credentials(self):
        raise NotImplementedError

    def too_many(self):
        return {"message": "Too Many Requests"}

    def json_body(self, request, problem):
        if not request.content_type.startswith("application/json"):
            raise problem("Content-Type is not application/json")
        try:
            body = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise problem(f"the body is not JSON: {e}")
        if not isinstance(body, dict):
            raise problem("the body is not a JSON object")
        return body


def recipient_in(request, pick, fallback):
    """The number a request names, for an error that repeats it as the providers' do."""
    try:
        if request.content_type == "application/x-www-form-urlencoded":
            return str(pick(dict(urllib.parse.parse_qsl(request.body.decode("utf-8")))))
        return str(pick(json.loads(request.body.decode("utf-8"))))
    except (ValueError, KeyError, IndexError, TypeError):
        return fallback


def unknown_fields(fields, known):
    return sorted(set(fields) - set(known))


class CM(Provider):
    name = "cm"
    path = "/v1.0/message"

    @staticmethod
    def whole(code, details):
        return Refusal(400, {"details": details, "errorCode": code, "messages": []})

    @staticmethod
    def message(code, details, number="", reference=None):
        return Refusal(400, {"details": "Created 0 message(s)", "errorCode": 201, "messages": [
            {"to": number, "status": "Rejected", "reference": reference, "parts": 0, "messageDetails": details,
             "messageErrorCode": code}]})

    def check(self, request):
        body = self.json_body(request, lambda problem: self.whole(202, "This request is malformed: " + problem))
        messages = body.get("messages")
        if not isinstance(messages, dict) or unknown_fields(body, ["messages"]):
            raise self.whole(202, "This request is malformed: the body is {\"messages\": {…}}")
        token = (messages.get("authentication") or {}).get("productToken")
        if token != CREDENTIALS["cm"]["token"]:
            raise self.whole(101, "Authentication of the request failed")
        msg = messages.get("msg")
        if not isinstance(msg, list) or len(msg) != 1 or not isinstance(msg[0], dict):
            raise self.whole(203, "The request's MSG array is incorrect: one message per request")
        m = msg[0]
        extra = unknown_fields(m, ["from", "to", "body", "reference", "minimumNumberOfMessageParts",
                                   "maximumNumberOfMessageParts"])
        if extra:
            raise self.message(305, "This message has an invalid field: " + ", ".join(extra))
        reference = m.get("reference")
        if not isinstance(reference, str) or not reference:
            raise self.message(305, "This message has no reference")
        sender = m.get("from")
        if not isinstance(sender, str) or not (ALPHANUMERIC_SENDER.fullmatch(sender)
                                               or re.fullmatch(r"\+?[0-9]{1,16}", sender)):
            raise self.message(301, "This message has an invalid From field", reference=reference)
        to = m.get("to")
        if not isinstance(to, list) or len(to) != 1 or not isinstance(to[0], dict) or set(to[0]) != {"number"}:
            raise self.message(302, "This message has an invalid To field", reference=reference)
        number = to[0]["number"]
        if not isinstance(number, str) or not re.fullmatch(r"00[1-9][0-9]{6,14}", number):
            raise self.message(303, f"Gsm '{number}' is not a number.", str(number), reference)
        text_body = m.get("body")
        if not isinstance(text_body, dict) or text_body.get("type") != "auto" \
                or not isinstance(text_body.get("content"), str) or not text_body["content"] \
                or unknown_fields(text_body, ["type", "content"]):
            raise self.message(304, "This message has an invalid Body field", number, reference)
        for key in ("minimumNumberOfMessageParts", "maximumNumberOfMessageParts"):
            if key in m and (not isinstance(m[key], int) or not 1 <= m[key] <= 8):
                raise self.message(305, f"{key} is not a number of parts from 1 to 8", number, reference)
        text = text_body["content"]
        if parts_of(text) > m.get("maximumNumberOfMessageParts", 1):
            raise self.message(304, "The message needs more parts than maximumNumberOfMessageParts", number,
                               reference)
        return {"to": number, "e164": "+" + number[2:], "from": sender, "text": text, "reference": reference,
                "unicode": None, "report_url": None, "id": reference}

    def success(self, record):
        return 200, {"details": "Created 1 message(s)", "errorCode": 0, "messages": [
            {"to": record["to"], "status": "Accepted", "reference": record["reference"],
             "parts": parts_of(record["text"]), "messageDetails": None, "messageErrorCode": 0}]}

    def invalid_number(self, request):
        number = recipient_in(request, lambda body: body["messages"]["msg"][0]["to"][0]["number"], "0031600000000")
        return self.message(303, f"Gsm '{number}' is not a number.", number, None)

    def refused_credentials(self):
        return {"details": "Authentication of the request failed", "errorCode": 101, "messages": []}


class MessageBird(Provider):
    name = "messagebird"
    path = "/messages"

    @staticmethod
    def error(code, description, parameter=None, status=400):
        item = {"code": code, "description": description}
        if parameter:
            item["parameter"] = parameter
        return Refusal(status, {"errors": [item]})

    def check(self, request):
        if request.headers.get("Authorization") != "AccessKey " + CREDENTIALS["messagebird"]["token"]:
            raise self.error(2, "Request not allowed (incorrect access_key)", "access_key", 401)
        body = self.json_body(request, lambda problem: self.error(21, "Bad request: " + problem))
        extra = unknown_fields(body, ["originator", "recipients", "body", "reference", "reportUrl", "datacoding",
                                      "type", "validity", "gateway", "scheduledDatetime"])
        if extra:
            raise self.error(10, "unknown parameters: " + ", ".join(extra), extra[0])
        originator = body.get("originator")
        if not isinstance(originator, str) or not originator:
            raise self.error(9, "originator is missing", "originator")
        if not (ALPHANUMERIC_SENDER.fullmatch(originator) or re.fullmatch(r"\+?[0-9]{1,17}", originator)):
            raise self.error(10, "originator is too long or not alphanumeric (at most 11 characters)",
                             "originator")
        recipients = body.get("recipients")
        if not isinstance(recipients, list) or len(recipients) != 1 \
                or not re.fullmatch(r"[1-9][0-9]{6,14}", str(recipients[0])) or isinstance(recipients[0], bool):
            raise self.error(9, "no (correct) recipients found", "recipients")
        text = body.get("body")
        if not isinstance(text, str) or not text:
            raise self.error(9, "body is missing", "body")
        datacoding = body.get("datacoding", "plain")
        if datacoding not in ("plain", "unicode", "auto"):
            raise self.error(10, "datacoding is not plain, unicode or auto", "datacoding")
        if datacoding != "auto" and (datacoding == "unicode") == is_gsm7(text):
            raise self.error(10, f"datacoding {datacoding} does not fit the body", "datacoding")
        reference = body.get("reference")
        if reference is not None and (not isinstance(reference, str) or not reference):
            raise self.error(10, "reference is not text", "reference")
        report_url = body.get("reportUrl")
        if report_url is not None and not is_url(report_url):
            raise self.error(10, "reportUrl is not a URL", "reportUrl")
        if report_url is not None and reference is None:
            raise self.error(9, "reportUrl needs a reference", "reference")
        return {"to": str(recipients[0]), "e164": "+" + str(recipients[0]), "from": originator, "text": text,
                "reference": reference, "unicode": datacoding == "unicode", "report_url": report_url,
                "id": secrets.token_hex(16)}

    def success(self, record):
        return 201, {
            "id": record["id"], "href": "https://rest.messagebird.com/messages/" + record["id"], "direction": "mt",
            "type": "sms", "originator": record["from"], "body": record["text"], "reference": record["reference"],
            "validity": None, "gateway": 10, "typeDetails": {},
            "datacoding": "unicode" if record["unicode"] else "plain", "mclass": 1, "scheduledDatetime": None,
            "createdDatetime": now_iso(),
            "recipients": {"totalCount": 1, "totalSentCount": 1, "totalDeliveredCount": 0,
                           "totalDeliveryFailedCount": 0,
                           "items": [{"recipient": int(record["to"]), "status": "sent",
                                      "statusDatetime": now_iso()}]}}

    def invalid_number(self, request):
        return self.error(9, "no (correct) recipients found", "recipients")

    def refused_credentials(self):
        return {"errors": [{"code": 2, "description": "Request not allowed (incorrect access_key)",
                            "parameter": "access_key"}]}


class Twilio(Provider):
    name = "twilio"
    path = re.compile(r"/2010-04-01/Accounts/([^/]+)/Messages\.json")

    @staticmethod
    def error(code, message, status=400):
        return Refusal(status, {"code": code, "message": message,
                                "more_info": f"https://www.twilio.com/docs/errors/{code}", "status": status})

    def check(self, request):
        sid = self.path.fullmatch(request.path).group(1)
        account = CREDENTIALS["twilio"]["account"]
        expected = "Basic " + base64.b64encode(f"{account}:{CREDENTIALS['twilio']['token']}".encode()).decode()
        if request.headers.get("Authorization") != expected:
            raise self.error(20003, "Authenticate", 401)
        if sid != account:
            raise self.error(20404, f"The requested resource /2010-04-01/Accounts/{sid}/Messages.json was not found",
                             404)
        if request.content_type != "application/x-www-form-urlencoded":
            raise self.error(21602, "Message body is required (send the fields form-encoded)")
        try:
            pairs = urllib.parse.parse_qsl(request.body.decode("utf-8"), keep_blank_values=True,
                                           strict_parsing=True)
        except (UnicodeDecodeError, ValueError) as e:
            raise self.error(21602, f"Message body is required (the form does not parse: {e})")
        fields = {}
        for key, value in pairs:
            if key in fields:
                raise Refusal(400, {"message": f"{key} is given twice", "status": 400})
            fields[key] = value
        extra = unknown_fields(fields, ["To", "From", "Body", "StatusCallback"])
        if extra:
            raise Refusal(400, {"message": "Unknown parameters: " + ", ".join(extra), "status": 400})
        if not fields.get("To"):
            raise self.error(21604, "A 'To' phone number is required.")
        if not re.fullmatch(r"\+[1-9][0-9]{6,14}", fields["To"]):
            raise self.error(21211, f"The 'To' number {fields['To']} is not a valid phone number.")
        if not fields.get("From"):
            raise self.error(21603, "A 'From' phone number is required.")
        if not (re.fullmatch(r"\+[1-9][0-9]{6,14}", fields["From"]) or ALPHANUMERIC_SENDER.fullmatch(fields["From"])):
            raise self.error(21212, f"The 'From' number {fields['From']} is not a valid phone number or "
                                    "alphanumeric sender ID.")
        if not fields.get("Body"):
            raise self.error(21602, "Message body is required.")
        if len(fields["Body"]) > 1600:
            raise self.error(21617, "The concatenated message body exceeds the 1600 character limit.")
        if "StatusCallback" in fields and not is_url(fields["StatusCallback"]):
            raise self.error(21609, "Invalid StatusCallback URL")
        return {"to": fields["To"], "e164": fields["To"], "from": fields["From"], "text": fields["Body"],
                "reference": None, "unicode": None, "report_url": fields.get("StatusCallback"),
                "id": "SM" + secrets.token_hex(16)}

    def success(self, record):
        account = CREDENTIALS["twilio"]["account"]
        return 201, {
            "sid": record["id"], "account_sid": account, "to": record["to"], "from": record["from"],
            "body": record["text"], "status": "queued", "num_segments": str(parts_of(record["text"])),
            "direction": "outbound-api", "api_version": "2010-04-01", "price": None, "error_code": None,
            "error_message": None, "date_created": now_iso(),
            "uri": f"/2010-04-01/Accounts/{account}/Messages/{record['id']}.json"}

    def invalid_number(self, request):
        number = recipient_in(request, lambda fields: fields["To"], "+31600000000")
        return self.error(21211, f"The 'To' number {number} is not a valid phone number.")

    def refused_credentials(self):
        return {"code": 20003, "message": "Authenticate", "more_info": "https://www.twilio.com/docs/errors/20003",
                "status": 401}

    def too_many(self):
        return {"code": 20429, "message": "Too Many Requests", "more_info": "https://www.twilio.com/docs/errors/20429",
                "status": 429}


class Spryng(Provider):
    name = "spryng"
    path = "/v1/messages"

    @staticmethod
    def invalid(field, message):
        return Refusal(400, {"message": "The given data was invalid.", "errors": {field: [message]}})

    def check(self, request):
        if request.headers.get("Authorization") != "Bearer " + CREDENTIALS["spryng"]["token"]:
            raise Refusal(401, {"message": "Unauthenticated."})
        body = self.json_body(request, lambda problem: Refusal(400, {"message": problem}))
        extra = unknown_fields(body, ["encoding", "body", "route", "originator", "recipients", "reference",
                                      "scheduled_at"])
        if extra:
            raise self.invalid(extra[0], f"The {extra[0]} field is not allowed.")
        text = body.get("body")
        if not isinstance(text, str) or not text:
            raise self.invalid("body", "The body field is required.")
        encoding = body.get("encoding")
        if encoding not in ("plain", "unicode", "auto"):
            raise self.invalid("encoding", "The selected encoding is invalid.")
        if encoding != "auto" and (encoding == "unicode") == is_gsm7(text):
            raise self.invalid("encoding", f"The encoding {encoding} does not fit the body.")
        route = body.get("route")
        if not isinstance(route, str) or not (route == "business" or route.isdigit()):
            raise self.invalid("route", "The route field is required: business or a route id.")
        originator = body.get("originator")
        if not isinstance(originator, str) or not (ALPHANUMERIC_SENDER.fullmatch(originator)
                                                   or re.fullmatch(r"[0-9]{1,14}", originator)):
            raise self.invalid("originator", "The originator may be 11 letters and digits or 14 digits.")
        recipients = body.get("recipients")
        if not isinstance(recipients, list) or len(recipients) != 1:
            raise self.invalid("recipients", "The recipients field must be a list of one number.")
        if not isinstance(recipients[0], str) or not re.fullmatch(r"[1-9][0-9]{6,14}", recipients[0]):
            raise self.invalid("recipients.0", "The recipients.0 format is invalid.")
        reference = body.get("reference")
        if reference is not None and (not isinstance(reference, str) or not reference or len(reference) > 255):
            raise self.invalid("reference", "The reference may be at most 255 characters.")
        return {"to": recipients[0], "e164": "+" + recipients[0], "from": originator, "text": text,
                "reference": reference, "unicode": encoding == "unicode", "report_url": None,
                "id": str(uuid.uuid4())}

    def success(self, record):
        return 200, {"id": record["id"], "encoding": "unicode" if record["unicode"] else "plain",
                     "originator": record["from"], "body": record["text"], "reference": record["reference"],
                     "credits": parts_of(record["text"]), "scheduled_at": now_iso(), "canceled_at": None,
                     "created_at": now_iso(), "updated_at": now_iso(),
                     "links": {"self": "/v1/messages/" + record["id"]}}

    def invalid_number(self, request):
        return self.invalid("recipients.0", "The recipients.0 format is invalid.")

    def refused_credentials(self):
        return {"message": "Unauthenticated."}


PROVIDERS = [CM(), MessageBird(), Twilio(), Spryng()]


def provider_for(path):
    for provider in PROVIDERS:
        if (provider.path.fullmatch(path) if isinstance(provider.path, re.Pattern) else provider.path == path):
            return provider
    return None


# -- the server ------------------------------------------------------------------------

class Stand:
    """What the server keeps between requests: the queued answers and the two files."""

    def __init__(self, directory):
        self.lock = threading.Lock()
        self.answers = []
        self.requests_path = os.path.join(directory, "provider-requests.jsonl")
        self.seen_path = os.path.join(directory, "provider-seen.jsonl")

    def next_answer(self):
        with self.lock:
            return self.answers.pop(0) if self.answers else None

    def append(self, path, entry):
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        with self.lock, open(path, "a", encoding="utf-8") as f:
            f.write(line)


class Request:
    def __init__(self, handler, body):
        self.path = urllib.parse.urlsplit(handler.path).path
        self.headers = handler.headers
        self.content_type = (handler.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        self.body = body


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the providers do
    server_version = "ritme-provider-stand-in"
    stand = None

    def log_message(self, format, *args):
        sys.stderr.write("%s %s\n" % (self.log_date_time_string(), format % args))

    def answer(self, status, body, headers=None):
        data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        content_type = "application/json; charset=utf-8"
        for name, value in (headers or {}).items():
            if name.lower() == "content-type":
                content_type = value
            else:
                self.send_header(name, str(value))
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_GET(self):
        self.read_body()
        if urllib.parse.urlsplit(self.path).path == "/_control":
            with self.stand.lock:
                queued = list(self.stand.answers)
            return self.answer(200, {"queued": queued})
        if provider_for(urllib.parse.urlsplit(self.path).path):
            return self.answer(405, b"Method Not Allowed\n", {"Content-Type": "text/plain"})
        self.answer(404, b"Not Found\n", {"Content-Type": "text/plain"})

    def do_PUT(self):
        self.do_GET()

    def do_POST(self):
        body = self.read_body()
        request = Request(self, body)
        if request.path == "/_control":
            return self.control(body)
        provider = provider_for(request.path)
        if provider is None:
            return self.answer(404, b"Not Found\n", {"Content-Type": "text/plain"})
        fault = self.stand.next_answer()
        outcome = self.fault(provider, request, fault) if fault is not None else self.serve(provider, request)
        self.stand.append(self.stand.seen_path, {"provider": provider.name, "answer": outcome, "at": now_iso()})

    def control(self, body):
        try:
            command = json.loads(body.decode("utf-8") or "{}")
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            return self.answer(400, {"error": f"not JSON: {e}"})
        with self.stand.lock:
            if command.get("reset"):
                self.stand.answers.clear()
            self.stand.answers.extend(command.get("answers", []))
            queued = len(self.stand.answers)
        self.answer(200, {"queued": queued})

    def serve(self, provider, request):
        try:
            record = provider.check(request)
        except Refusal as refusal:
            self.answer(refusal.status, refusal.body, refusal.headers)
            return refusal.status
        status, answer = provider.success(record)
        self.stand.append(self.stand.requests_path, {"provider": provider.name, **record, "at": now_iso()})
        self.answer(status, answer)
        return status

    def fault(self, provider, request, fault):
        kind = fault.get("status") if isinstance(fault, dict) else fault
        if isinstance(fault, dict) and "body" in fault:
            body = fault["body"]
            self.answer(int(kind), body.encode("utf-8") if isinstance(body, str) else body, fault.get("headers"))
            return int(kind)
        kind = str(kind)
        if kind == "400":
            refusal = provider.invalid_number(request)
            self.answer(refusal.status, refusal.body)
            return refusal.status
        if kind == "401":
            self.answer(401, provider.refused_credentials())
            return 401
        if kind == "429":
            retry_after = fault.get("retry_after", 600) if isinstance(fault, dict) else 600
            self.answer(429, provider.too_many(), {"Retry-After": retry_after})
            return 429
        if kind == "500":
            self.answer(500, b"Internal Server Error\n", {"Content-Type": "text/plain"})
            return 500
        if kind == "hang":
            time.sleep(fault.get("seconds", 30) if isinstance(fault, dict) else 30)
            self.close_connection = True
            return "hang"
        if kind == "malformed":
            # The provider took the message; only its answer is broken.
            try:
                record = provider.check(request)
            except Refusal as refusal:
                self.answer(refusal.status, refusal.body, refusal.headers)
                return refusal.status
            status, _ = provider.success(record)
            self.stand.append(self.stand.requests_path,
                              {"provider": provider.name, **record, "malformed": True, "at": now_iso()})
            self.answer(status, b'{"id": "' + record["id"].encode() + b'", "status": ', {})
            return "malformed"
        self.answer(500, {"error": f"the stand-in does not know the answer {fault!r}"})
        return 500


class Server(ThreadingHTTPServer):
    daemon_threads = True  # a hanging answer does not hold up the shutdown
    request_queue_size = 128


def serve(port, directory):
    Handler.stand = Stand(directory)
    server = Server(("127.0.0.1", port), Handler)
    server.serve_forever()


# -- for the tests ---------------------------------------------------------------------

def start(directory):
    """Starts the stand-in on a free loopback port and waits until it listens."""
    os.makedirs(directory, exist_ok=True)
    log_path = os.path.join(directory, "provider.log")
    for attempt in range(5):
        port = common.free_port()
        process = common.spawn([common.DEBIAN_PYTHON, os.path.abspath(__file__), str(port), directory], log_path)
        try:
            common.wait_until(lambda: common.listening(port), 10, "the provider stand-in", process, log_path)
        except RuntimeError:
            if process.poll() is None:
                common.stop_pids([process.pid])
            if attempt == 4:
                raise
            continue  # another process took the port first
        url = f"http://127.0.0.1:{port}"
        return common.save_state(directory, NAME, {
            "port": port, "url": url, "control": url + "/_control", "pids": [process.pid], "log": log_path,
            "requests": os.path.join(directory, "provider-requests.jsonl"),
            "seen": os.path.join(directory, "provider-seen.jsonl"),
            "credentials": CREDENTIALS,
            "paths": {"cm": "/v1.0/message", "messagebird": "/messages",
                      "twilio": "/2010-04-01/Accounts/{{account}}/Messages.json", "spryng": "/v1/messages"}})


def control(state, *answers, reset=False):
    data = json.dumps({"answers": list(answers), "reset": reset}).encode()
    request = urllib.request.Request(state["control"], data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def read_lines(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def accepted(state):
    return read_lines(state["requests"])


def seen(state):
    return read_lines(state["seen"])


if __name__ == "__main__":
    serve(int(sys.argv[1]), sys.argv[2])
