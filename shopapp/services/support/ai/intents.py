"""What a shopper is asking and in which language.

The topics are recognised by a small classifier kept in the repository, not by keyword lists: TF-IDF over
character n-grams (1–4, robust to typos, emoji and missing spaces) and over words (jieba for Chinese) feeding
a linear SVM, trained in a tenth of a second, once per process, from the example phrasings in
phrasings/*.json (no download, no model file). A message is split into sentences and each sentence into
clauses ("到哪了？另外能改个电话吗", "when does it ship and can I get an invoice"), so every question in it gets
its own topic; what the classifier is unsure of is "other", which a person answers.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import unicodedata
from pathlib import Path

INTENTS = (
    "where_is_order", "tracking", "when_ship", "payment", "not_received", "change_address", "cancel", "return",
    "refund_status", "invoice", "stock", "size", "shipping_info", "discount", "human", "greeting", "other",
)
# What the engines cannot answer from the shop's data: a person has to (an invoice, a discount not on the
# shop's pages, a shopper asking for a person, anything the recogniser does not know).
HANDED_OVER = ("invoice", "discount", "human", "other")
# Answered from the shop's data and, as well, followed up by a person (a change only the team can make).
FOLLOWED_UP = ("not_received", "change_address")
# How sharply the classifier's margins turn into shares of confidence (softmax temperature).
SHARPNESS = 4.0
# Below this share the recogniser says "other" rather than guess.
MIN_CONFIDENCE = 0.30
# A clause of a longer sentence adds its own topic only when the recogniser is this sure of it.
MIN_CLAUSE_CONFIDENCE = 0.45
PHRASINGS = Path(__file__).resolve().parent / "phrasings"
# A topic that makes another of the same sentence redundant: its answer already says it.
_SUBSUMES = {
    "not_received": ("where_is_order", "tracking", "when_ship"),
    "tracking": ("where_is_order",),
    "cancel": ("return", "refund_status"),
    "refund_status": ("return", "payment"),
    "change_address": ("when_ship", "where_is_order"),
}
# Words that name a topic only a person handles: kept even when the rest of the clause is about something else.
_ANCHORS = {
    "invoice": ("发票", "开票", "专票", "普票", "invoice", "fapiao", "receipt"),
    "human": ("人工", "真人", "human", "real person", "live agent"),
    "discount": ("优惠", "折扣", "打折", "满减", "coupon", "discount", "promo code", "voucher"),
}
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# What is neither language: e-mail addresses, links, order and tracking numbers (any token with a digit).
_NOT_WORDS = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|\b[A-Za-z0-9-]*\d[A-Za-z0-9-]*\b")
# Where a message's sentences end: question marks, full stops, exclamations, new lines, semicolons.
_SENTENCE_END = re.compile(r"[？?。！!；;\n]+|(?<=[a-z])\.(?:\s|$)")
# Where a sentence's clauses part: commas, and the words that join two questions.
_CLAUSE_SPLIT = re.compile(
    r"[，,、]+|\s*(?:另外|还有就是|还有|顺便问下|顺便问一下|顺便|然后|以及|并且)\s*"
    r"|\s+(?:and also|and|also|plus|btw|by the way)\s+",
    re.IGNORECASE,
)
# A sentence the recogniser cannot place is a question for a person only when it asks something.
_ASKS = re.compile(
    r"[？?]|[吗呢么嘛]$|能否|可否|是否|能不能|可不可以|可以.+吗|有没有|怎么|如何|为什么|多少|哪里|哪儿|哪个|哪些|几点|多久|请问"
    r"|^(?:can|could|would|will|do|does|did|is|are|was|were|have|has|how|what|when|where|which|who|why|may|should)\b",
    re.IGNORECASE,
)
_lock = threading.Lock()


def detect_intent(text: str) -> str:
    """One of INTENTS for a shopper's message: the first question's topic that the shop's data answers,
    else the first topic; "greeting" for a message that only greets or thanks, "other" when unsure."""
    questions = split_questions(text)
    if not questions:
        intent, _ = classify(text)
        return intent if intent == "greeting" else "other"
    answerable = [q["intent"] for q in questions if q["intent"] not in HANDED_OVER]
    return (answerable or [questions[0]["intent"]])[0]


def split_questions(text: str) -> list[dict]:
    """Each question of a message with its topic: [{text, intent}], in the message's order, one per topic
    (the clause the recogniser is surest of). Greetings and thanks are no question; a sentence the
    recogniser cannot place counts only when it asks something ("你们是实体店吗" does, "等了好几天了" not)."""
    found: dict[str, tuple[float, int, str]] = {}
    position = 0
    for piece in _SENTENCE_END.split(text or ""):
        sentence = piece.strip(" ，,、.~～…")
        if not sentence:
            continue
        for intent, confidence, said in _sentence_topics(sentence):
            if intent == "greeting" or (intent == "other" and not _ASKS.search(sentence)):
                continue
            position += 1
            if intent not in found or confidence > found[intent][0]:
                found[intent] = (confidence, found.get(intent, (0, position))[1], said)
    ordered = sorted(found.items(), key=lambda item: item[1][1])
    return [{"text": said, "intent": intent} for intent, (_, _, said) in ordered]


def detect_intents(text: str) -> list[str]:
    """Every topic of one sentence, "other" when none."""
    return [intent for intent, _, _ in _sentence_topics(text)] or ["other"]


def classify(text: str) -> tuple[str, float]:
    """The recogniser's topic for one piece of text and how sure it is; "other" below MIN_CONFIDENCE."""
    return classify_many([text])[0]


def classify_many(texts: list[str]) -> list[tuple[str, float]]:
    import numpy

    model = _model()
    margins = model.decision_function([_normalise(t) for t in texts])
    # The linear SVM's margins as a share: a softmax, sharpened so a clear winner comes out near 1.
    weights = numpy.exp(SHARPNESS * (margins - margins.max(axis=1, keepdims=True)))
    shares = weights / weights.sum(axis=1, keepdims=True)
    answers = []
    for row in shares:
        best = int(row.argmax())
        intent, confidence = str(model.classes_[best]), float(row[best])
        answers.append((intent if confidence >= MIN_CONFIDENCE else "other", confidence))
    return answers


def warm_up() -> None:
    """Train the recogniser now (start-up) rather than on the first question."""
    _model()


def detect_language(text: str) -> str | None:
    """"zh-CN" when the message is written mostly in Chinese, "en" when mostly in English, None when it has
    no words (an order number, an e-mail address alone), so the caller can look at the shopper's other
    messages. A Chinese character counts as much as an English word; a tie is Chinese."""
    words = _NOT_WORDS.sub(" ", text or "")
    han, latin = len(_HAN.findall(words)), len(_LATIN_WORD.findall(words))
    if not han and not latin:
        return None
    return "zh-CN" if han >= latin else "en"


def conversation_language(shopper_texts: list[str], shop_lang: str = "zh-CN") -> str:
    """The language to answer in, judged over all the shopper's messages by how much each language says,
    not by the latest message alone: "你好…可以开发票吗？" then "order 261206TV7YBYKT" and "email
    a@b.com" is a Chinese conversation. An English word counts as much as 1.5 Chinese characters (a Chinese
    word's usual length); order numbers, e-mail addresses and links count for nothing. A tie goes to the
    shop's own language."""
    chinese = english = 0.0
    for text in shopper_texts:
        words = _NOT_WORDS.sub(" ", text or "")
        chinese += len(_HAN.findall(words))
        english += 1.5 * len(_LATIN_WORD.findall(words))
    if chinese == english:
        return shop_lang
    return "zh-CN" if chinese > english else "en"


# The recogniser --------------------------------------------------------------------------------

def _sentence_topics(sentence: str) -> list[tuple[str, float, str]]:
    """[(intent, confidence, text)] of one sentence: the sentence's own topic, then those its clauses add
    when the recogniser is sure of them, then a topic only a person handles that a word names."""
    clauses = [c.strip() for c in _CLAUSE_SPLIT.split(sentence) if c and c.strip(" ，,、.~～…")]
    clauses = clauses if len(clauses) > 1 else []
    judged = classify_many([sentence] + clauses)
    whole, confidence = judged[0]
    topics = [(whole, confidence, sentence)] if whole not in ("greeting", "other") else []
    clause_topics = [
        (intent, sure, clause) for (intent, sure), clause in zip(judged[1:], clauses, strict=True)
        if intent not in ("greeting", "other") and sure >= MIN_CLAUSE_CONFIDENCE
    ]
    if len(clause_topics) > 1 or (clause_topics and not topics):
        topics = clause_topics + [t for t in topics if t[0] not in {c[0] for c in clause_topics}]
    folded = _normalise(sentence)
    for intent, words in _ANCHORS.items():
        if any(_has_word(folded, word) for word in words) and intent not in {t[0] for t in topics}:
            topics.append((intent, 1.0, sentence))
    present = {t[0] for t in topics}
    redundant = {r for intent in present for r in _SUBSUMES.get(intent, ())}
    topics = [t for t in topics if t[0] not in redundant]
    if not topics:
        return [(whole, confidence, sentence)]
    return list({t[0]: t for t in topics}.values())


def _has_word(folded: str, word: str) -> bool:
    if _HAN.search(word):
        return word in folded
    return re.search(r"(?<![a-z])" + re.escape(word) + r"(?:s|es)?(?![a-z])", folded) is not None


class _Trained:
    model = None


def _model():
    """The recogniser, trained by the first caller; others wait for it rather than train again."""
    if _Trained.model is None:
        with _lock:
            if _Trained.model is None:
                _Trained.model = _train()
    return _Trained.model


def _forget() -> None:
    """Drop the trained recogniser (tests; after editing the phrasings)."""
    _Trained.model = None


def _train():
    import jieba
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion, make_pipeline
    from sklearn.svm import LinearSVC

    jieba.setLogLevel(logging.WARNING)
    texts, labels = [], []
    for path in sorted(PHRASINGS.glob("*.json")):
        for intent, phrasings in json.loads(path.read_text(encoding="utf-8")).items():
            if intent in INTENTS:
                texts += [_normalise(p) for p in phrasings]
                labels += [intent] * len(phrasings)
    features = FeatureUnion([
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True, lowercase=False)),
        ("words", TfidfVectorizer(tokenizer=_words, token_pattern=None, lowercase=False, sublinear_tf=True, ngram_range=(1, 2))),
    ])
    # A linear SVM (liblinear) trains in a few hundredths of a second; a multinomial logistic regression
    # took seconds for the same accuracy.
    model = make_pipeline(features, LinearSVC(C=1.0, class_weight="balanced"))
    model.fit(texts, labels)
    return model


def _words(text: str) -> list[str]:
    import jieba

    return [w for w in jieba.lcut(text) if w.strip()]


def _normalise(text: str) -> str:
    """Case, width and emoji folded away; order and tracking numbers, e-mail addresses and links become one token."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _NOT_WORDS.sub(" 0 ", text).casefold()
    text = "".join(ch if ch.isalnum() or ch in " '?？" or _HAN.match(ch) else " " for ch in text)
    return " ".join(text.split())
