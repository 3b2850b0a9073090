"""A tab's states stored compressed, against a dictionary of the app's own names (issue 17, Redis per shopper).

Reflex's Redis state manager pickles each state a tab touched into a value of its own: a connected shopper on a
product page and the cart is 11 of them, ~5 KB. Much of it is names every tab repeats: each state's module and
class, its fields' names, its schema hash, the router's fields (`reflex.istate.data.HeaderData`,
`rx_router_page`, ...). zlib with a preset dictionary of those names sends each one as a back-reference: that
tab measured 5 206 -> 2 663 bytes, for ~10 us of CPU per state saved and ~7 us per state read (bench/README.md,
session 13). (The embedded default keeps states in memory and pickles nothing.)

The dictionary is made from the code alone (`_all_state_classes`, `_names`), so every worker of one build makes
the same one, and its id (4 bytes of its hash) goes in front of each value. A value compressed with another
build's dictionary is treated as Reflex treats a state pickled by another version of the app
(`StateSchemaMismatchError`: the tab gets a fresh state). A value without the mark (a plain pickle, as Reflex
stores it) is read as before, so states saved before this change still load.

Installed over `BaseState._serialize` / `_deserialize`, the one place Reflex's Redis and disk state managers
pickle and unpickle a state; tests/unit/test_state_zip.py fails if a Reflex upgrade changes them.
"""

from __future__ import annotations

import hashlib
import sys
import zlib

from reflex.istate import data as router_data
from reflex.state import BaseState
from reflex_base.utils.exceptions import StateSchemaMismatchError
from reflex_base.vars.base import ComputedVar

MARK = b"\x00z"  # a pickle starts with b"\x80": this cannot be one
# zlib's fastest level (the dictionary does the work), a 16 KB window (the dictionary is ~12 KB, a state a few
# hundred bytes) and a small memory level: a compressor primed with the dictionary is copied for each state,
# ~10 us, where priming a new one each time was ~26 us (bench/README.md, session 13).
LEVEL, WINDOW_BITS, MEMORY_LEVEL = 1, 14, 5

_reflex_serialize = BaseState._serialize
_reflex_deserialize = BaseState._deserialize.__func__

# (id, dictionary, a compressor that has read the dictionary and nothing else), made at the first save or read
_dictionary: tuple[bytes, bytes, object] | None = None


def _all_state_classes() -> list[type[BaseState]]:
    """The app's state classes and those of `reflex.state`, each defined at the top of its module: what the
    code defines, not what a worker made or imported as it ran (Reflex makes state classes for some components
    as pages compile and files them under `reflex.istate.dynamic`; `reflex.istate.shared` and others are
    imported when first used), so every worker of one build, whatever it has served, makes the same one."""
    classes, todo = [], [BaseState]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if (cls.__module__ == "reflex.state" or cls.__module__.startswith("shopapp.")) and _defined_in_module(cls):
            classes.append(cls)
    return sorted(classes, key=lambda cls: cls.get_full_name())


def _defined_in_module(cls: type) -> bool:
    module = sys.modules.get(cls.__module__)
    return module is not None and getattr(module, cls.__qualname__, None) is cls


def _names() -> list[str]:
    """What every tab's pickles repeat: each state's class, var names and schema hash, then the router's types
    and fields (in every tab's root state, so last: nearest the dictionary's end)."""
    names: list[str] = []
    for cls in _all_state_classes():
        names += [cls.__module__, cls.__qualname__, cls._to_schema()]  # the schema: Reflex pickles it in front
        names += sorted(vars(cls).get("__annotations__", {}))  # its own fields, as written in the code
        if cls.__module__.startswith("shopapp."):  # its own computed vars (Reflex adds the routes' to State)
            computed = sorted(name for name, value in vars(cls).items() if isinstance(value, ComputedVar))
            names += computed + [f"__cached_{name}_rx_state_" for name in computed]
    names += ["reflex.istate.proxy", "_unwrap_for_pickle", "reflex.istate.data", "_FrozenDictStrStr", "reflex.state"]
    for kind in (router_data.SessionData, router_data.HeaderData, router_data.PageData, router_data.RouterData):
        names.append(kind.__name__)
        names.extend(getattr(kind, "__dataclass_fields__", {}))
    return names


def dictionary() -> tuple[bytes, bytes]:
    """This build's dictionary and its id. zlib uses a window's worth of a dictionary, its end: the router's
    names, in every tab's root state, are laid out last."""
    return _made()[:2]


def _made() -> tuple[bytes, bytes, object]:
    global _dictionary
    if _dictionary is None:
        words = "\n".join(dict.fromkeys(_names())).encode()[-(1 << WINDOW_BITS):]
        primed = zlib.compressobj(LEVEL, zlib.DEFLATED, WINDOW_BITS, MEMORY_LEVEL, zdict=words)
        _dictionary = (hashlib.sha1(words).digest()[:4], words, primed)
    return _dictionary


def _serialize(self) -> bytes:
    raw = _reflex_serialize(self)
    if not raw:
        return raw
    ident, _, primed = _made()
    packer = primed.copy()
    packed = MARK + ident + packer.compress(raw) + packer.flush()
    return packed if len(packed) < len(raw) else raw


def _deserialize(cls, data: bytes | None = None, fp=None) -> BaseState:
    if data is None and fp is not None:  # the disk manager hands a file: read it whole, to look at its mark
        data, fp = fp.read(), None
    if data is not None and data[:2] == MARK:
        ident, words = dictionary()
        if data[2:6] != ident:
            msg = "Stored state was compressed by another version of the app"
            raise StateSchemaMismatchError(msg)
        unpacker = zlib.decompressobj(zlib.MAX_WBITS, zdict=words)  # reads any window up to the largest
        try:
            data = unpacker.decompress(data[6:]) + unpacker.flush()
            if not unpacker.eof:
                raise zlib.error("cut short")
        except zlib.error as err:
            msg = f"Stored state could not be decompressed: {err!r}"
            raise StateSchemaMismatchError(msg) from err
    return _reflex_deserialize(cls, data=data, fp=fp)


def install() -> None:
    BaseState._serialize = _serialize
    BaseState._deserialize = classmethod(_deserialize)
