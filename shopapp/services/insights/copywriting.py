"""Product copy for the editor: several titles and descriptions to choose from, never saved here.

Offline (no model configured) they are built from the product's facts by copy_offline. With an OpenAI-compatible
model, the model is given the same facts and asked for titles and selling points; each suggestion must pass
copy_grounding (every number and claim in the facts) and the title rules, or it is dropped and listed under
`rejected`. When nothing passes, or the model fails, the offline suggestions answer, labelled with the reason.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass

import nh3
import openai
from sqlmodel import Session

from shopapp.services.catalog import views
from shopapp.services.core.errors import require_fields
from shopapp.services.core.permissions import Actor, require
from shopapp.services.insights import copy_grounding, copy_offline
from shopapp.services.insights.copy_facts import CopyFacts, copy_facts
from shopapp.settings import get_settings

log = logging.getLogger(__name__)

TONES = ("simple", "premium", "playful")
COPY_FIELDS = ("title", "description")
MAX_KEYWORDS = 10
MAX_KEYWORD_LENGTH = 20
TIMEOUT_SECONDS = 20
MAX_MODEL_SUGGESTIONS = 4
MAX_PLAIN_TITLE = 80  # a longer first line is prose, not a title

_RULES = """You write marketplace listing copy for an online shop. The owner chooses among your suggestions.
Rules:
1. Use ONLY the facts below. Never add a number, a certificate, an origin, a grade, a health effect, a price,
   a promotion or any claim the facts do not state. If a fact is missing, leave it out.
2. Titles in {language}: category word and selling points first, size last, at most 30 Chinese characters
   (60 bytes), each word once (no keyword stuffing), different from the current title.
3. selling_points: short phrases taken from the facts. usage: how to use or brew, only if the facts say so.
4. Tone: {tone}. Owner's keywords (theirs to use): {keywords}.
Answer with JSON only: {{"suggestions": [{{"title": "...", "selling_points": ["..."], "usage": ["..."]}}]}}
with two to four suggestions.

PRODUCT FACTS (JSON):
{facts}"""
_TONE = {"simple": "plain and clear", "premium": "refined, understated", "playful": "light and friendly"}


@dataclass
class CopyRequest:
    facts: CopyFacts
    fields: list[str]
    tone: str


def copy_request(session: Session, actor: Actor, product_id: int, fields=None, tone=None, keywords=None) -> CopyRequest:
    """Step one, inside the caller's transaction: check the request and read the facts."""
    require(actor, "manage_catalog")
    errors: dict[str, str] = {}
    fields = _checked_fields(fields, errors)
    tone = tone or "simple"
    if tone not in TONES:
        errors["tone"] = "tone_invalid"
    keywords = _checked_keywords(keywords, errors)
    require_fields(errors)
    product = views.get_product(session, actor.shop_id, product_id)
    return CopyRequest(copy_facts(session, actor.shop_id, product, keywords), fields, tone)


def write_copy(request: CopyRequest) -> dict:
    """Step two, no database: {engine, title, description_html, titles, descriptions, rejected, error?}."""
    settings = get_settings()
    if not settings.openai_base_url:
        return {"engine": "offline", **_offline(request)}
    try:
        return {"engine": "openai", **_from_model(request, settings)}
    except _ModelFailed as failed:
        log.warning("product copy fell back to the offline writer: %s", failed.code)
        return {"engine": "offline", "error": failed.code, **_offline(request), "rejected": failed.rejected}


def offline_copy(facts: CopyFacts, fields: list[str] | None = None) -> dict:
    return _offline(CopyRequest(facts, list(fields or COPY_FIELDS), "simple"))


# The model -------------------------------------------------------------------------------------

class _ModelFailed(Exception):
    def __init__(self, code: str, rejected: list[dict] | None = None):
        self.code, self.rejected = code, rejected or []
        super().__init__(code)


def _from_model(request: CopyRequest, settings) -> dict:
    facts = request.facts
    content = _ask(settings, _messages(request))
    raw = _suggestions(content)
    if not raw:
        raise _ModelFailed("ai_answer_malformed")
    titles, descriptions, rejected = [], [], []
    for item in raw[:MAX_MODEL_SUGGESTIONS]:
        title = str(item.get("title") or "").strip()
        points = [str(p).strip() for p in item.get("selling_points") or [] if str(p).strip()]
        usage = [str(u).strip() for u in item.get("usage") or [] if str(u).strip()]
        written = nh3.clean(str(item.get("description_html") or ""), tags={"p", "ul", "li", "strong", "h3"})
        checked = [title, *points, *usage, _plain(written)]
        found = copy_grounding.problems(facts, [t for t in checked if t])
        if "title" in request.fields and (not title or copy_offline.title_width(title) > copy_offline.MAX_TITLE_WIDTH):
            found.append("title:length")
        if re.sub(r"\s+", "", title) == re.sub(r"\s+", "", facts.title):
            found.append("title:unchanged")
        if found:
            rejected.append({"title": title, "problems": found})
            continue
        titles.append(title)
        descriptions.append({"style": "model", "html": copy_offline.description_from(facts, points, usage) if points or not written else written})
    if not titles:
        raise _ModelFailed("ai_copy_ungrounded", rejected)
    return _shaped(request.fields, list(dict.fromkeys(titles)), descriptions) | {"rejected": rejected}


def _ask(settings, messages: list[dict]) -> str:
    client = openai.OpenAI(base_url=settings.openai_base_url, api_key=settings.openai_api_key or "not-needed",
                           timeout=TIMEOUT_SECONDS, max_retries=1)
    try:
        try:
            answer = client.chat.completions.create(model=settings.openai_model, messages=messages,
                                                    response_format={"type": "json_object"})
        except openai.BadRequestError:  # an endpoint that does not take response_format: ask plainly
            answer = client.chat.completions.create(model=settings.openai_model, messages=messages)
    except openai.OpenAIError as error:
        raise _ModelFailed("ai_unavailable") from error
    if not answer.choices or not answer.choices[0].message.content:
        raise _ModelFailed("ai_answer_malformed")
    return answer.choices[0].message.content


def _messages(request: CopyRequest) -> list[dict]:
    facts = request.facts
    shown = {
        "title": facts.title, "product_type": facts.product_type, "options": facts.options, "price": facts.price,
        "categories": facts.categories, "tags": facts.tags, "description": facts.description,
        "presale_ships_by": facts.presale_ships_at, "returns_policy": facts.returns_policy,
    }
    system = _RULES.format(language="English" if facts.lang == "en" else "Simplified Chinese",
                           tone=_TONE[request.tone], keywords=json.dumps(facts.keywords, ensure_ascii=False),
                           facts=json.dumps(shown, ensure_ascii=False, indent=1))
    return [{"role": "system", "content": system}, {"role": "user", "content": "Write the suggestions."}]


def _suggestions(content: str) -> list[dict]:
    """The suggestions in a model's answer: {"suggestions": [...]}, one bare {"title", ...} object, fenced or not;
    else the first line of a plain-text answer as one title."""
    text = re.sub(r"^```(?:json)?\s*|\s*```$", "", (content or "").strip())
    for candidate in (text, text[text.find("{"):text.rfind("}") + 1]):
        try:
            value = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(value, dict) and isinstance(value.get("suggestions"), list):
            return [s for s in value["suggestions"] if isinstance(s, dict)]
        if isinstance(value, dict) and isinstance(value.get("title"), str):
            return [value]
    # Plain text (a small or local model ignoring the JSON asked for): its first line, as one title to check.
    line = next((t.strip() for t in text.splitlines() if t.strip()), "")
    line = re.sub(r"^(?:标题|title)\s*[:：]\s*", "", line, flags=re.I).strip(" \"'“”「」")
    return [{"title": line}] if 0 < len(line) <= MAX_PLAIN_TITLE else []


# Offline and shared ----------------------------------------------------------------------------

def _offline(request: CopyRequest) -> dict:
    return _shaped(request.fields, copy_offline.titles(request.facts), copy_offline.descriptions(request.facts))


def _shaped(fields: list[str], titles: list[str], descriptions: list[dict]) -> dict:
    answer: dict = {"rejected": []}
    if "title" in fields:
        answer |= {"title": titles[0] if titles else "", "titles": titles}
    if "description" in fields:
        answer |= {"description_html": descriptions[0]["html"] if descriptions else "", "descriptions": descriptions}
    return answer


def _plain(html_text: str) -> str:
    return re.sub(r"<[^>]+>", " ", html_text).strip()


def _checked_fields(fields, errors: dict[str, str]) -> list[str]:
    if fields is None:
        return list(COPY_FIELDS)
    if not isinstance(fields, list) or not fields or any(f not in COPY_FIELDS for f in fields):
        errors["fields"] = "copy_fields_invalid"
        return []
    return [f for f in COPY_FIELDS if f in fields]


def _checked_keywords(keywords, errors: dict[str, str]) -> list[str]:
    if keywords is None:
        return []
    if isinstance(keywords, str):
        keywords = keywords.replace("，", ",").split(",")
    if not isinstance(keywords, list) or any(not isinstance(k, str) for k in keywords):
        errors["keywords"] = "must_be_text"
        return []
    cleaned = list(dict.fromkeys(k.strip() for k in keywords if k.strip()))
    if len(cleaned) > MAX_KEYWORDS:
        errors["keywords"] = "too_many_keywords"
    elif any(len(k) > MAX_KEYWORD_LENGTH for k in cleaned):
        errors["keywords"] = "too_long"
    return cleaned
