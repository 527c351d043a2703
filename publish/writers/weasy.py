"""Every change publish makes to WeasyPrint's internals, in one place, fenced.

WeasyPrint has no public hook for any of these changes, so each wraps functions of its own:

- ``justify``: CJK characters as justification opportunities, and the print edition's
  Han–Latin gap characters widened (see :mod:`publish.writers.justify`, which decides how
  much each widens): WeasyPrint's ``layout.inline.count_expandable_spaces`` and
  ``text.line_break.Layout.set_text``. Without it the PDF's gaps are CSS margins
  (``pdf.write``), as in the HTML edition.
- ``prebuilt-ffi`` (:func:`load`, the first import): WeasyPrint's ``text/ffi.py`` parses
  16 kB of C declarations with cffi (pycparser) on every import, half of WeasyPrint's
  import (0.22 of 0.43 s, in every worker and every PDF build). The first import records
  them and writes cffi's out-of-line ABI module for them (no compiler) to the user's
  cache; later imports read that file's literal arguments (it is parsed, never run) into
  cffi's compiled ``FFI`` and hand it to ``text/ffi.py``, whose ``cdef`` call then has
  nothing to do. The cache is keyed by the bytes of
  ``text/ffi.py`` and the cffi and Python versions; anything unexpected imports WeasyPrint
  as it is.
- ``compression``: pydyf, WeasyPrint's PDF writer, compresses every content stream at
  zlib level 9; at zlib's default (6) writing the ten-fold report's PDF took 0.84 s
  instead of 0.97 (best of three, warm process) for a file 1.2 % larger. pydyf's module
  is given a ``zlib`` whose ``compressobj`` uses level 6.
- ``font-copy``: WeasyPrint 70 copies each whole font file into a ``bytes`` object for every
  PDF (``pdf.fonts.Font.__init__`` → ``text.fonts.get_hb_object_data``: 19–27 MB for each
  Noto CJK face, five faces in a print edition), though the HarfBuzz subsetter reads the
  face itself and replaces the copy by the subset before anything reads it. The copy is
  made only when something reads ``Font.file_content`` (fontTools' paths: variable fonts,
  colour fonts, no subsetting, HarfBuzz failing), so the PDF's bytes do not change
  (tests/test_weasy.py). Measured: peak memory of a full seed build 402 → 205 MB (with GC
  tuning, build/worker.py), see docs/benchmarks.md. Upstream: no issue asks for this;
  Kozea/WeasyPrint#2130 (closed, 2024) removed a cache that held one such copy per
  ``Font`` between documents, and #1977 traced memory growth to the same ``ffi.unpack``.

- ``cid-subset``: WeasyPrint subsets a font keeping every glyph id up to the highest one
  used (the page names glyphs by id), which for a Noto CJK face (65,535 glyphs) meant
  0.8–0.9 MB of mostly empty glyphs and metrics a face and two HarfBuzz passes of
  30–37 ms. A CID-keyed CFF font is read by CID through its charset, so where each used
  glyph's CID is its glyph id (:mod:`publish.writers.cff` checks, in the face and in the
  subset) the used glyphs alone are kept, renumbered, in one pass, and the bare CFF table
  is embedded as ``/CIDFontType0C`` (poppler reads an OpenType-wrapped CID font by glyph
  id). Pages draw the same in poppler and MuPDF (tests/test_weasy.py); the seed's PDFs
  870 → 300 KB. ``Font._harfbuzz_subset``, ``Font.type`` and
  ``pdf.build_fonts_dictionary`` are wrapped; any other font goes the stock way.
- ``pseudo-styles``: WeasyPrint 70 computes, as it cascades, a style for every
  pseudo-element any rule names, and its own stylesheet names ``::marker``,
  ``::footnote-call``, ``::footnote-marker``, ``::note-call``, ``::note-marker`` and
  ``::note-callback`` for every element: six styles an element (17,000 on a ten-fold
  report), which only list items and footnotes ask for. An element's pseudo-element
  style is made when ``StyleFor`` is first asked for it, from the cascade kept aside
  (``StyleFor.__init__``, ``set_computed_styles`` and ``__call__`` wrapped); one cascade
  of each kind is kept, since the stylesheet gives every element the same. A cascade
  that sets an anchor is computed at once, in document order, as before. Same bytes.
- ``style-maps``: once a document is laid out, its style map (every element's style and
  cascade) is emptied (``Document._render`` wrapped): every box holds its own style, and
  the map sat in a reference cycle with the layout context, freed only by a full
  collection. Same bytes.
- ``let-go`` (only inside :func:`written_once`, which the print writer enters): each
  page's content stream is packed into the bytes pydyf will write for it as soon as it
  is drawn (``Page.paint``), and each page lets go of its boxes once its tags are made
  (``pdf.add_tags`` reads the pages one by one), its structure elements becoming the
  bytes pydyf writes for them. Same bytes; the pages cannot be drawn again.
  With the two above: the 100-fold report's peak 773 → 590 MB (docs/benchmarks.md).
- ``page-refs``: pydyf's ``PDF.page_references`` builds the tuple of every page's
  reference each time it is read, and WeasyPrint reads it once for every structure
  element it tags and every link target (``pdf/tags.py``, ``pdf/anchors.py``): pages ×
  elements, quadratic in the report's length. The tuple is kept while the page list keeps
  its length (pydyf only ever appends to it). Same bytes.
- ``running-once``: a page on which a running element (the print page's running heads)
  is first seen was laid out again, from scratch, in a second pass: WeasyPrint does so
  for the GCPM notes (``position: note()``) such an element can be, which take room on
  their own page. Other running elements only fill margin boxes, which are made once
  every page is laid out, so the second layout gave the same page (9 of the ten-fold
  body's 45 pages: its layout 1.62 → 1.49-1.58 s), except that it dropped the footnotes
  carried over from the page before (corpus 46 lost two). ``layout.page.make_page`` is
  wrapped: the page is not marked for a second layout when that mark came from running
  elements alone (no note among them, no counter or target lookup resolved while it was
  made). Same bytes, but for the notes no longer lost.
- ``held-layouts``: to justify a line, WeasyPrint gives each text box with room to widen
  a new Pango layout and lets its Pango objects go at once (``add_word_spacing``:
  ``create_layout`` then ``deactivate``); drawing makes them again. With every CJK
  character a place to widen, that is every text box of the body: 2,003 layouts made for
  nothing on the ten-fold report, 0.04 s. ``layout.inline.create_layout`` (called there
  alone) gives a layout that holds what a let-go one keeps (its text, its justification
  spacing) and makes its Pango objects when drawn; a box with a text decoration (whose
  metrics are read before drawing) or a lone space gets WeasyPrint's. Same bytes.
- ``pango-reuse``: WeasyPrint makes each text box's Pango layout from scratch, once to lay
  its line out and again to draw it (``text.line_break.Layout.setup``): a new Pango
  context and a new font description each time, though both depend on a few style
  values alone (direction and language; family, style, stretch, weight, size, variant,
  variations). 23 µs a layout, 9,557 layouts on the ten-fold body: 0.22 s of its 2.25 s.
  ``Layout.setup`` is replaced by the same steps with the context kept per font
  configuration, direction and language, and the description per font (Pango copies a
  description into each layout, and no one changes a context once made). Applied only
  to the ``setup`` whose source it was written against (a digest of it). Same bytes.
- ``later-fonttools`` (:func:`load`): WeasyPrint imports fontTools' subsetter and its
  variable-font instancer with its PDF writer (``pdf/fonts.py``), 70 ms of every import,
  for its fall-backs only (no HarfBuzz subsetter, a variable font). While WeasyPrint is
  imported those two names are stand-ins (:class:`_Later`) that import the real module at
  first use; they leave ``sys.modules`` as the import ends, so any other importer gets the
  real modules.

The fence: patches apply only to the WeasyPrint versions in ``SUPPORTED`` (pyproject pins
``weasyprint>=70,<71``), each checks that the names it wraps are there and look as
expected before it touches anything, and a patch that cannot apply leaves WeasyPrint
stock and says why: :func:`apply` returns the reasons, which the PDF writer turns into a
``weasyprint-patch`` warning (text stays ragged, or memory use doubles; the output is a
correct PDF either way). Wrappers take ``*args, **kwargs`` and pass them on, so an added
argument upstream does not break them. tests/test_weasy.py fails when the internals move.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import inspect
import io
import operator
import os
import sys
import threading
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from publish.stamp import user_cache
from publish.writers import cff

SUPPORTED = (70,)  # WeasyPrint major versions whose internals these patches were made for

# Off only to compare (tests/test_weasy.py: the same bytes either way); read at each call.
LAZY_FONTS = True

_LOCK = threading.Lock()
_IN_FONT = threading.local()  # set while this thread runs Font.__init__
_LATER = object()  # Font.file_content not read yet: the face itself holds the bytes


def apply() -> dict[str, str]:
    """Apply every patch once per process (thread-safe); returns {patch: why it is not
    applied} for the ones that could not be."""
    with _LOCK:
        return _apply()


@functools.cache
def _apply() -> dict[str, str]:
    problems: dict[str, str] = {}
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        return {name: f"WeasyPrint cannot be imported ({exc})" for name in PATCHES}
    version = str(getattr(weasyprint, "__version__", "?"))
    major = version.split(".", 1)[0]
    for name, patch in PATCHES.items():
        if not major.isdigit() or int(major) not in SUPPORTED:
            problems[name] = f"made for WeasyPrint {SUPPORTED[0]}, this is {version}"
            continue
        why = patch()
        if why:
            problems[name] = why
    return problems


def applied(name: str) -> bool:
    return name not in apply()


# -- prebuilt-ffi -------------------------------------------------------------------------

_SHIM = "import _cffi_backend\n"  # the line of cffi's generated module that names its base


def load() -> Any:
    """``weasyprint``, imported with its C declarations read from the prebuilt module when
    one is cached (see the module's doc). Raises what ``import weasyprint`` raises."""
    if "weasyprint" in sys.modules:
        return sys.modules["weasyprint"]
    with _LOCK, _later_fonttools():
        cached, path = _prebuilt()
        if cached is None:
            return _import_recording(path)
        import cffi

        real, handed = cffi.FFI, []

        def once(*args: Any, **kwargs: Any) -> Any:  # text/ffi.py's ``ffi = cffi.FFI()``
            if handed or args or kwargs:
                return real(*args, **kwargs)
            handed.append(cached)
            return cached

        cffi.FFI = once  # type: ignore[misc]
        try:
            import weasyprint
        finally:
            cffi.FFI = real  # type: ignore[misc]
        return weasyprint


# -- later-fonttools -----------------------------------------------------------------------

# The fontTools modules WeasyPrint's PDF writer imports for its fall-backs, and the names it
# takes from them with ``from … import`` (which reads them at once).
LATER = {"fontTools.subset": (), "fontTools.varLib.instancer": ("instantiateVariableFont",)}


class _Later(types.ModuleType):
    """Stands in for a module WeasyPrint imports but uses only on a fall-back path: an
    attribute read imports the real module (once the stand-in has left sys.modules)."""

    def __getattr__(self, name: str) -> Any:
        if sys.modules.get(self.__name__) is self:  # still importing WeasyPrint
            raise AttributeError(name)
        return getattr(importlib.import_module(self.__name__), name)


def _deferred(module: str, name: str) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    return call


@contextlib.contextmanager
def _later_fonttools() -> Iterator[None]:
    placed = [m for m in LATER if m not in sys.modules]
    for module in placed:
        stand_in = _Later(module)
        for name in LATER[module]:
            setattr(stand_in, name, _deferred(module, name))
        sys.modules[module] = stand_in
    try:
        yield
    finally:
        for module in placed:
            if isinstance(sys.modules.get(module), _Later):
                del sys.modules[module]


def _ffi_key() -> tuple[str, Path] | None:
    """The cache's key and file for this WeasyPrint's declarations, or None."""
    # The package's folder, found without importing it (a submodule's spec would).
    spec = importlib.util.find_spec("weasyprint")
    if spec is None or not spec.origin:
        return None
    try:
        import cffi

        source = Path(spec.origin).with_name("text").joinpath("ffi.py").read_bytes()
    except (ImportError, OSError):
        return None
    key = hashlib.sha256(
        b"\0".join([source, cffi.__version__.encode(), sys.version.encode()])
    ).hexdigest()[:20]
    return key, user_cache() / f"weasyprint-ffi-{key}.py"


def _prebuilt() -> tuple[Any, Path | None]:
    """(the cached module's ``ffi``, or None; the file it is or would be in). The file is
    read as data, never run: it must be cffi's one ``ffi = _cffi_backend.FFI(...)`` whose
    arguments are all literals."""
    found = _ffi_key()
    if found is None:
        return None, None
    _, path = found
    try:
        args, kwargs = _ffi_arguments(path.read_text("utf-8"))
        import _cffi_backend

        class Prebuilt(_cffi_backend.FFI):  # type: ignore[misc, name-defined]
            """cffi's compiled FFI, whose ``cdef`` has already been done."""

            def cdef(self, *args: Any, **kwargs: Any) -> None:
                return None

        return Prebuilt(*args, **kwargs), path
    except Exception:  # noqa: BLE001 - no cache, or a broken one: WeasyPrint as it is
        return None, path


def _ffi_arguments(code: str) -> tuple[list[Any], dict[str, Any]]:
    """The literal arguments of cffi's generated ``ffi = _cffi_backend.FFI(...)``; raises
    ValueError for anything else."""
    import ast

    tree = ast.parse(code)
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Assign):
        raise ValueError("not one assignment")
    (target,), call = tree.body[0].targets, tree.body[0].value
    if not (
        isinstance(target, ast.Name)
        and target.id == "ffi"
        and isinstance(call, ast.Call)
        and ast.unparse(call.func) == "_cffi_backend.FFI"
    ):
        raise ValueError("not cffi's FFI")
    args = [ast.literal_eval(a) for a in call.args]
    kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg}
    if len(kwargs) != len(call.keywords):
        raise ValueError("** arguments")
    return args, kwargs


def _import_recording(path: Path | None) -> Any:
    """``import weasyprint`` as it is, its C declarations recorded and written to ``path``
    as cffi's out-of-line module (for the next import)."""
    import cffi

    declared: list[str] = []
    cdef = cffi.FFI.cdef

    def recording(self: Any, csource: str, *args: Any, **kwargs: Any) -> Any:
        declared.append(csource if not args and not kwargs else "")
        return cdef(self, csource, *args, **kwargs)

    cffi.FFI.cdef = recording  # type: ignore[method-assign]
    try:
        import weasyprint
    finally:
        cffi.FFI.cdef = cdef  # type: ignore[method-assign]
    if path is not None and len(declared) == 1 and declared[0]:
        _write_prebuilt(declared[0], path)
    return weasyprint


def _write_prebuilt(csource: str, path: Path) -> None:
    import cffi

    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        builder = cffi.FFI()
        builder.cdef(csource)
        builder.set_source("_publish_weasyprint_ffi", None)  # ABI mode: Python, no compiler
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.redirect_stdout(io.StringIO()):  # cffi says "generating …"
            builder.emit_python_code(str(tmp))
        code = tmp.read_text("utf-8").replace(_SHIM, "", 1)
        _ffi_arguments(code)  # what the next import will read back
        tmp.write_text(code, "utf-8")
        os.replace(tmp, path)  # whole or not at all: two workers may write it at once
    except Exception:  # noqa: BLE001 - no cache: the next import parses again
        with contextlib.suppress(OSError):
            tmp.unlink()


# -- justify ------------------------------------------------------------------------------


def _patch_justify() -> str:
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    from publish.writers import justify, spacing

    count = getattr(inline, "count_expandable_spaces", None)
    justify_line = getattr(inline, "justify_line", None)
    layout = getattr(line_break, "Layout", None)
    set_text = getattr(layout, "set_text", None)
    if count is None or set_text is None or justify_line is None:
        return (
            "weasyprint.layout.inline.count_expandable_spaces, justify_line or "
            "Layout.set_text is gone"
        )
    if (
        _params(count)[:1] != ["box"]
        or _params(set_text)[:3] != ["self", "text", "justify"]
        or _params(justify_line)[:3] != ["context", "line", "extra_width"]
    ):
        return (
            "count_expandable_spaces(box), justify_line(context, line, extra_width) or "
            "Layout.set_text(self, text, justify) changed"
        )
    text_box = inline.boxes.TextBox

    @functools.wraps(count)
    def counted(box: Any, *args: Any, **kwargs: Any) -> Any:
        n = count(box, *args, **kwargs)
        if justify.active() and isinstance(box, text_box):
            n += justify.widened(box.text)
        return n

    @functools.wraps(set_text)
    def with_spacing(self: Any, text: str, *args: Any, **kwargs: Any) -> Any:
        result = set_text(self, text, *args, **kwargs)
        if not justify.active():
            return result
        on = args[0] if args else kwargs.get("justify", False)
        if on and self.justification_spacing and justify.widened(self.text):
            justify.letter_space(self)
        if spacing.GAP in self.text:
            justify.widen_gaps(self, drawing=on)
        return result

    @functools.wraps(justify_line)
    def within_limit(context: Any, line: Any, extra_width: Any, *args: Any, **kwargs: Any) -> Any:
        if justify.active() and justify.too_loose(
            extra_width, inline.count_expandable_spaces(line), line.style["font_size"]
        ):
            return None  # left flush at its start
        return justify_line(context, line, extra_width, *args, **kwargs)

    inline.count_expandable_spaces = counted
    inline.justify_line = within_limit
    layout.set_text = with_spacing
    return ""


# -- font-copy ----------------------------------------------------------------------------


def _patch_font_copy() -> str:
    from weasyprint.pdf import fonts

    font = getattr(fonts, "Font", None)
    data = getattr(fonts, "get_hb_object_data", None)
    if font is None or data is None or "file_content" in vars(font):
        return "weasyprint.pdf.fonts.Font or get_hb_object_data is gone, or already patched"
    init = font.__init__
    if "self.file_content = get_hb_object_data(self.hb_face)" not in _source(init):
        return "Font.__init__ no longer copies the face with get_hb_object_data(self.hb_face)"
    if _params(data)[:1] != ["hb_object"]:
        return "get_hb_object_data(hb_object, …) changed"

    @functools.wraps(data)
    def lazy_data(hb_object: Any, *args: Any, **kwargs: Any) -> Any:
        # Only Font.__init__'s call (the whole face, no other argument) is deferred.
        if LAZY_FONTS and not args and not kwargs and getattr(_IN_FONT, "on", False):
            return _LATER
        return data(hb_object, *args, **kwargs)

    @functools.wraps(init)
    def lazy_init(self: Any, *args: Any, **kwargs: Any) -> None:
        was = getattr(_IN_FONT, "on", False)
        _IN_FONT.on = True
        try:
            init(self, *args, **kwargs)
        finally:
            _IN_FONT.on = was

    def read(self: Any) -> Any:
        value = self.__dict__.get("_file_content", _LATER)
        if value is _LATER:  # first read: the copy WeasyPrint would have made at once
            value = self.__dict__["_file_content"] = data(self.hb_face)
        return value

    def write(self: Any, value: Any) -> None:
        self.__dict__["_file_content"] = value

    font.__init__ = lazy_init
    font.file_content = property(read, write, doc="The font file's bytes, copied when read.")
    fonts.get_hb_object_data = lazy_data
    return ""


# -- pseudo-styles ------------------------------------------------------------------------

# Off only to compare (tests/test_weasy.py: the same bytes either way); read at each call.
LATER_PSEUDO = True

_LATER_STYLES = "_publish_later"  # on a StyleFor: {(element, pseudo type): cascaded}
_LATER_ARGS = "_publish_later_args"  # on a StyleFor: (root, base_url, target_collector)
_DEFERRING = "_publish_deferring"  # on a StyleFor: True while its __init__ runs
_SHARED = "_publish_shared"  # on a StyleFor: one cascade of each kind, while __init__ runs


def _patch_pseudo_styles() -> str:
    from weasyprint import css

    style_for = getattr(css, "StyleFor", None)
    init = getattr(style_for, "__init__", None)
    compute = getattr(style_for, "set_computed_styles", None)
    call = vars(style_for).get("__call__") if style_for else None
    if style_for is None or getattr(compute, "__wrapped__", None) is not None:
        return "weasyprint.css.StyleFor is gone, or already patched"
    names = ["self", "element", "parent", "root", "pseudo_type", "base_url", "target_collector"]
    if _params(compute)[:7] != names or _params(call)[:3] != ["self", "element", "pseudo_type"]:
        return "StyleFor.set_computed_styles(…) or StyleFor.__call__(…) changed"
    if (
        "for element, pseudo_type in cascaded_styles:" not in _source(init)
        or "cascaded_styles.get((element, pseudo_type), {})" not in _source(compute)
        or "self._computed_styles.get((element, pseudo_type))" not in _source(call)
    ):
        return "StyleFor no longer computes every pseudo-element's style from its cascade"

    @functools.wraps(init)
    def deferring(self: Any, *args: Any, **kwargs: Any) -> None:
        self.__dict__[_LATER_STYLES] = {}
        self.__dict__[_SHARED] = {}
        self.__dict__[_DEFERRING] = True
        try:
            init(self, *args, **kwargs)
        finally:
            self.__dict__[_DEFERRING] = False  # later calls (page margins) compute at once
            del self.__dict__[_SHARED]

    @functools.wraps(compute)
    def later(
        self: Any,
        element: Any,
        parent: Any,
        root: Any = None,
        pseudo_type: Any = None,
        base_url: Any = None,
        target_collector: Any = None,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        waiting = self.__dict__.get(_LATER_STYLES)
        if (
            LATER_PSEUDO
            and pseudo_type
            and parent is element
            and waiting is not None
            and self.__dict__.get(_DEFERRING)
            and not args
            and not kwargs
        ):
            cascaded = self._cascaded_styles.get((element, pseudo_type))
            given = (root, base_url, target_collector)
            known = self.__dict__.setdefault(_LATER_ARGS, given)
            # An anchor is collected as its style is made: made now, in document order.
            if cascaded and "anchor" not in cascaded and all(map(operator.is_, known, given)):
                # The stylesheet's `::marker {…}` gives every element the same cascade, a
                # dict of tuples each (0.9 kB): one is kept of each kind (read, never
                # written), the rest let go as the cascade is cleared.
                kind = tuple((name, id(v), weight) for name, (v, weight) in cascaded.items())
                waiting[element, pseudo_type] = self.__dict__[_SHARED].setdefault(kind, cascaded)
                return None
        return compute(
            self, element, parent, root, pseudo_type, base_url, target_collector, *args, **kwargs
        )

    @functools.wraps(call)
    def asked(self: Any, element: Any, pseudo_type: Any = None, *args: Any, **kwargs: Any) -> Any:
        waiting = self.__dict__.get(_LATER_STYLES)
        cascaded = waiting.pop((element, pseudo_type), None) if waiting and pseudo_type else None
        if cascaded is not None:
            key = (element, pseudo_type)
            root, base_url, target_collector = self.__dict__[_LATER_ARGS]
            self._cascaded_styles[key] = cascaded  # where set_computed_styles reads it
            try:
                compute(self, element, element, root, pseudo_type, base_url, target_collector)
            finally:
                self._cascaded_styles.pop(key, None)
        return call(self, element, pseudo_type, *args, **kwargs)

    style_for.__init__ = deferring
    style_for.set_computed_styles = later
    style_for.__call__ = asked
    return ""


# -- style-maps ---------------------------------------------------------------------------

# Off only to compare (tests/test_weasy.py: the same bytes either way); read at each call.
RELEASE_STYLES = True

_RENDERING = threading.local()  # .contexts: the layout contexts of this thread's render


def _patch_style_maps() -> str:
    from weasyprint import css, document

    stock = document.Document
    render = vars(stock).get("_render")
    build = vars(stock).get("_build_layout_context")
    if not isinstance(render, classmethod) or not isinstance(build, classmethod):
        return "Document._render or Document._build_layout_context is gone"
    if getattr(render.__func__, "__wrapped__", None) is not None:
        return "Document._render is already patched"
    if "context = cls._build_layout_context(" not in _source(render.__func__):
        return "Document._render no longer makes its layout context itself"
    init = _source(getattr(css, "StyleFor", object).__init__)
    if "self._cascaded_styles = " not in init or "self._computed_styles = " not in init:
        return "StyleFor no longer keeps its styles in _cascaded_styles and _computed_styles"

    @functools.wraps(build.__func__)
    def built(cls: Any, *args: Any, **kwargs: Any) -> Any:
        context = build.__func__(cls, *args, **kwargs)
        contexts = getattr(_RENDERING, "contexts", None)
        if contexts is not None:
            contexts.append(context)
        return context

    @functools.wraps(render.__func__)
    def rendered(cls: Any, *args: Any, **kwargs: Any) -> Any:
        was = getattr(_RENDERING, "contexts", None)
        _RENDERING.contexts = []
        try:
            return render.__func__(cls, *args, **kwargs)
        finally:
            for context in _RENDERING.contexts if RELEASE_STYLES else ():
                _release(getattr(context, "style_for", None))
            _RENDERING.contexts = was

    stock._build_layout_context = classmethod(built)
    stock._render = classmethod(rendered)
    return ""


def _release(style_for: Any) -> None:
    """Empty a laid-out document's style maps: every box holds its own style, and nothing
    asks the map once the pages are laid out. The map sits in a reference cycle with the
    layout context, so what no box holds (most pseudo-elements' and hidden elements'
    styles) waited for a full collection, which the build makes rare (build/worker.py)."""
    for name in ("_computed_styles", "_cascaded_styles", _LATER_STYLES):
        held = getattr(style_for, name, None)
        if isinstance(held, dict):
            held.clear()


# -- let-go -------------------------------------------------------------------------------

_WRITING = threading.local()  # .once: the document being written is written this once


@contextlib.contextmanager
def written_once() -> Iterator[None]:
    """While a laid-out document is written to PDF for the only time (the print writer's
    case): each page's content stream is packed (joined, compressed) as soon as it is
    drawn, and each page lets go of its boxes once its tags are made. The pages cannot be
    drawn again afterwards."""
    was = getattr(_WRITING, "once", False)
    _WRITING.once = True
    try:
        yield
    finally:
        _WRITING.once = was


def _patch_let_go() -> str:
    import pydyf
    from weasyprint import document
    from weasyprint import pdf as writer

    page = getattr(document, "Page", None)
    paint = getattr(page, "paint", None)
    tags = getattr(writer, "add_tags", None)
    to_bytes = getattr(pydyf, "_to_bytes", None)
    data = vars(getattr(pydyf, "Stream", object)).get("data")
    if paint is None or tags is None or to_bytes is None or not isinstance(data, property):
        return "Page.paint, pdf.add_tags, pydyf._to_bytes or pydyf.Stream.data is gone"
    if getattr(paint, "__wrapped__", None) is not None:
        return "Page.paint is already patched"
    if _params(paint)[:2] != ["self", "stream"] or "(self._page_box, stream)" not in _source(paint):
        return "Page.paint(self, stream, …) no longer draws self._page_box"
    code = _source(tags)
    if "zip(document.pages, page_streams)" not in code or "page._page_box" not in code:
        return "add_tags no longer reads each page's boxes in one pass over document.pages"
    if _params(tags)[:2] != ["pdf", "document"]:
        return "add_tags(pdf, document, …) changed"
    code = _source(data.fget)
    if (
        "b'\\n'.join(_to_bytes(item) for item in self.stream)" not in code
        or "extra['Filter'] = '/FlateDecode'" not in code
        or "zlib.compressobj(level=9)" not in code
    ):
        return "pydyf.Stream.data no longer joins and compresses its items as it is written"

    @functools.wraps(paint)
    def painted(self: Any, stream: Any, *args: Any, **kwargs: Any) -> Any:
        out = paint(self, stream, *args, **kwargs)
        if getattr(_WRITING, "once", False):
            _pack(stream, to_bytes, pydyf)
        return out

    @functools.wraps(tags)
    def tagged(pdf: Any, document: Any, *args: Any, **kwargs: Any) -> Any:
        if getattr(_WRITING, "once", False):
            document = _LettingGo(document, pdf, pydyf)
        return tags(pdf, document, *args, **kwargs)

    page.paint = painted
    writer.add_tags = tagged
    return ""


def _pack(stream: Any, to_bytes: Callable[[Any], bytes], pydyf: Any) -> None:
    """Make a drawn page's content stream the bytes pydyf would write for it: its items
    (a page of Chinese text is some 1,500 small objects, 0.13 MB) become one string,
    compressed as pydyf compresses it, so the file is the same byte for byte."""
    if len(stream.stream) < 2 or "Filter" in stream.extra:
        return
    data = b"\n".join(to_bytes(item) for item in stream.stream)
    if stream.compress:
        packer = pydyf.zlib.compressobj(level=9)  # pydyf's call (the compression patch's)
        data = packer.compress(data) + packer.flush()
        stream.extra["Filter"] = "/FlateDecode"
        stream.compress = False
    stream.stream = [data]


class _LettingGo:
    """A document as ``add_tags`` reads it: as it moves on to the next page, the page it
    has tagged lets go of its boxes (on a 100-fold report, 0.8 MB a page that the tags
    and pydyf's serialising would otherwise add to)."""

    def __init__(self, document: Any, pdf: Any, pydyf: Any) -> None:
        self._document = document
        self.pages = _Pages(document.pages)
        self.pages.pdf = pdf
        self.pages.pydyf = pydyf

    def __getattr__(self, name: str) -> Any:
        return getattr(self._document, name)


class _Pages(list):
    pdf: Any = None
    pydyf: Any = None

    def __iter__(self) -> Iterator[Any]:
        objects = self.pdf.objects
        start = len(objects)
        for page in list.__iter__(self):
            yield page
            box = getattr(page, "_page_box", None)
            if isinstance(getattr(box, "children", None), (list, tuple)):
                box.children = ()
            dictionary = self.pydyf.Dictionary
            for k in range(start, len(objects)):
                obj = objects[k]
                if type(obj) is dictionary and obj.get("Type") == "/StructElem":
                    objects[k] = _Written(obj)
            start = len(objects)


class _Written:
    """A page's structure element once the page is tagged: the bytes pydyf writes for it."""

    __slots__ = ("number", "offset", "generation", "free", "data")
    compressible = True

    def __init__(self, obj: Any) -> None:
        self.number, self.offset, self.generation = obj.number, obj.offset, obj.generation
        self.free = obj.free
        self.data = obj.data

    @property
    def indirect(self) -> bytes:
        return f"{self.number} {self.generation} obj\n".encode() + self.data + b"\nendobj"

    @property
    def reference(self) -> bytes:
        return f"{self.number} {self.generation} R".encode()


# -- compression --------------------------------------------------------------------------

PDF_ZLIB_LEVEL = 6  # zlib's own default


def _patch_compression() -> str:
    import zlib

    import pydyf

    if getattr(pydyf, "zlib", None) is not zlib:
        return "pydyf no longer compresses with the zlib module, or is patched already"
    if "zlib.compressobj(level=9)" not in _source(pydyf):
        return "pydyf no longer compresses streams with zlib.compressobj(level=9)"
    shim = type(sys)("zlib")
    shim.__dict__.update(zlib.__dict__)

    def compressobj(level: int = PDF_ZLIB_LEVEL, *args: Any, **kwargs: Any) -> Any:
        return zlib.compressobj(PDF_ZLIB_LEVEL, *args, **kwargs)

    shim.compressobj = compressobj  # type: ignore[attr-defined]
    pydyf.zlib = shim  # type: ignore[attr-defined]
    return ""


# -- page-refs ----------------------------------------------------------------------------


def _patch_page_refs() -> str:
    import pydyf

    prop = pydyf.PDF.__dict__.get("page_references")
    if not isinstance(prop, property) or prop.fget is None or prop.fset is not None:
        return "pydyf's PDF.page_references is no longer a read-only property"
    if "self.pages['Kids'][::3]" not in _source(prop.fget):
        return "pydyf's PDF.page_references no longer reads the page list"
    built = prop.fget

    def page_references(pdf: Any) -> tuple[bytes, ...]:
        kids = pdf.pages["Kids"]
        kept = pdf.__dict__.get("_publish_page_refs")
        if kept is None or kept[0] is not kids or kept[1] != len(kids):
            kept = (kids, len(kids), built(pdf))
            pdf.__dict__["_publish_page_refs"] = kept
        return kept[2]

    pydyf.PDF.page_references = property(page_references, doc=prop.__doc__)
    return ""


# -- running-once -------------------------------------------------------------------------

_LOOKUPS = threading.local()  # counts the counter and target lookups resolved (running-once)


def _patch_running_once() -> str:
    from weasyprint.css import targets
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import page

    make = getattr(page, "make_page", None)
    lookup = getattr(targets, "CounterLookupItem", None)
    collector = getattr(targets, "TargetCollector", None)
    cache = getattr(collector, "cache_target_page_counters", None)
    if make is None or lookup is None or cache is None or hasattr(make, "__wrapped__"):
        return "WeasyPrint's make_page or its lookups are gone, or already patched"
    names = ["context", "root_box", "page_type", "resume_at", "page_number", "page_state"]
    if (
        _params(make)[:6] != names
        or _params(lookup.__init__)[:2] != ["self", "parse_again"]
        or not hasattr(boxes.Box, "is_note")
    ):
        return "make_page(…) or CounterLookupItem(…) changed, or boxes have no is_note()"
    code = _source(make)
    if (
        "previous_running_elements != running_elements" not in code
        or code.count("remake_state['content_changed'] = True") != 2
        or "counter_lookup.parse_again(" not in code
    ):
        return "make_page no longer marks a page for a second layout as it did"

    def looked_up() -> None:
        _LOOKUPS.n = getattr(_LOOKUPS, "n", 0) + 1

    def counting(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def counted(*args: Any, **kwargs: Any) -> Any:
            looked_up()
            return fn(*args, **kwargs)

        return counted

    init = lookup.__init__

    @functools.wraps(init)
    def looking_up(self: Any, parse_again: Any, *args: Any, **kwargs: Any) -> None:
        init(self, counting(parse_again), *args, **kwargs)

    lookup.__init__ = looking_up

    @functools.wraps(cache)
    def caching(self: Any, *args: Any, **kwargs: Any) -> Any:
        if self.counter_lookup_items:  # it may mark the pages of boxes that target it
            looked_up()
        return cache(self, *args, **kwargs)

    collector.cache_target_page_counters = caching

    @functools.wraps(make)
    def make_page(context: Any, root_box: Any, page_type: Any, resume_at: Any,
                  page_number: int, *args: Any, **kwargs: Any) -> Any:  # fmt: skip
        state = context.page_maker[page_number - 1][-1]
        marked = state["content_changed"]
        lookups = getattr(_LOOKUPS, "n", 0)
        made = make(context, root_box, page_type, resume_at, page_number, *args, **kwargs)
        if state["content_changed"] and not marked and getattr(_LOOKUPS, "n", 0) == lookups:
            running = context.running_elements.values()
            seen = (box for elements in running for box in elements.get(page_number) or ())
            if not any(box.is_note() for box in seen):
                state["content_changed"] = False  # marked for running elements alone
        return made

    page.make_page = make_page
    return ""


# -- held-layouts -------------------------------------------------------------------------


def _patch_held_layouts() -> str:
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    make = getattr(inline, "create_layout", None)
    spacing = getattr(inline, "add_word_spacing", None)
    layout = getattr(line_break, "Layout", None)
    if make is None or spacing is None or layout is None or hasattr(make, "__wrapped__"):
        return "weasyprint.layout.inline.create_layout or add_word_spacing is gone, or patched"
    code, inline_code = _source(spacing), _source(inline)
    if (
        inline_code.count("create_layout(") != 1
        or "layout = create_layout(" not in code
        or "layout.deactivate()" not in code
        or _params(make)[:5] != ["text", "style", "context", "max_width", "justification_spacing"]
        or "del self.layout, self.language, self.style" not in _source(layout.deactivate)
    ):
        return "add_word_spacing no longer makes a layout only to let it go"

    class Held(layout):  # type: ignore[misc, valid-type]
        """A text box's layout as WeasyPrint's is once let go: Pango objects made when
        drawn (``reactivate``)."""

        def __init__(self, text: str, justification_spacing: float) -> None:
            self.justification_spacing = justification_spacing
            self.max_width = None
            self.first_line_direction = 0
            self.ascent = self.underline_position = self.strikethrough_position = None
            index = text.find("\n")  # as set_text keeps it
            self.text = text[: index + 2] if index != -1 else text

        def deactivate(self) -> None:
            if "layout" in self.__dict__:
                super().deactivate()

    @functools.wraps(make)
    def create_layout(
        text: str, style: Any, context: Any, max_width: Any, justification_spacing: Any,
        *args: Any, **kwargs: Any,
    ) -> Any:  # fmt: skip
        if (
            HELD_LAYOUTS
            and max_width is None
            and not args
            and not kwargs
            and text != " "
            and style["text_decoration_line"] == "none"
        ):
            return Held(text, justification_spacing)
        return make(text, style, context, max_width, justification_spacing, *args, **kwargs)

    inline.create_layout = create_layout
    return ""


# Off only to compare (tests/test_weasy.py: the same bytes either way); read at each call.
HELD_LAYOUTS = True


# -- pango-reuse ---------------------------------------------------------------------------

# sha256 of WeasyPrint 70's Layout.setup, whose steps _patch_pango_reuse repeats.
SETUP_SOURCE = "fb227a55094f41d4"
_PANGO = "_publish_pango"  # on a FontConfiguration: see _pango_kept


def _pango_kept(config: Any) -> tuple[dict[Any, Any], dict[Any, Any], dict[Any, Any]]:
    """A font configuration's Pango contexts, font descriptions and feature strings."""
    return config.__dict__.setdefault(_PANGO, ({}, {}, {}))


def _patch_pango_reuse() -> str:
    import hashlib

    from weasyprint.text import constants, fonts, line_break
    from weasyprint.text.ffi import FROM_UNITS, ffi, gobject, pango, unicode_to_char_p

    layout = getattr(line_break, "Layout", None)
    setup = getattr(layout, "setup", None)
    if setup is None or hasattr(setup, "__wrapped__"):
        return "weasyprint.text.line_break.Layout.setup is gone, or already patched"
    digest = hashlib.sha256(_source(setup).encode()).hexdigest()[:16]
    if digest != SETUP_SOURCE:
        return "Layout.setup is not the code this patch repeats (its source changed)"
    if tuple(inspect.signature(fonts.font_features).parameters) != FEATURES:
        return "text.fonts.font_features reads other style values than this patch passes it"
    directions, overrides = constants.PANGO_DIRECTION, constants.LST_TO_ISO
    # one C call for the eight values (a generator over FEATURES took a third of the time)
    features_of = operator.itemgetter(*FEATURES)

    def context(style: Any) -> tuple[Any, Any]:
        """The Pango context (and language) of a style's direction and language."""
        config = style.font_config
        kept = _pango_kept(config)[0]
        override = style["font_language_override"]
        lang = (
            overrides.get(override.lower(), override) if override != "normal" else style["lang"]
        )
        key = (style["direction"], lang or None)
        found = kept.get(key)
        if found is None:
            made = ffi.gc(
                pango.pango_font_map_create_context(config.font_map), gobject.g_object_unref
            )
            pango.pango_context_set_round_glyph_positions(made, False)
            pango.pango_context_set_base_dir(made, directions[style["direction"]])
            if lang:
                lang_p, _ = unicode_to_char_p(lang)
                language = pango.pango_language_from_string(lang_p)
                pango.pango_context_set_language(made, language)
            else:
                language = pango.pango_language_get_default()
            found = kept[key] = (made, language)
        return found

    def description(style: Any) -> Any:
        """The font description of a style's font (as fonts.get_font_description)."""
        kept = _pango_kept(style.font_config)[1]
        variations = style["font_variation_settings"]
        key = (
            tuple(style["font_family"]), style["font_style"], style["font_stretch"],
            style["font_weight"], style["font_size"], style["font_variant_caps"],
            variations if variations == "normal" else tuple(map(tuple, variations)),
        )  # fmt: skip
        found = kept.get(key)
        if found is None:
            found = kept[key] = fonts.get_font_description(style)
        return found

    def feature_string(style: Any) -> bytes:
        """The OpenType features a style asks for, as Pango reads them (b"" for none)."""
        values = features_of(style)
        kept = _pango_kept(style.font_config)[2]
        with contextlib.suppress(KeyError, TypeError):  # TypeError: a value that does not hash
            return kept[values]
        features = fonts.font_features(*values)
        made = ",".join(f"{key} {value}" for key, value in features.items()).encode()
        with contextlib.suppress(TypeError):
            kept[values] = made
        return made

    @functools.wraps(setup)
    def reusing(self: Any, style: Any) -> None:
        if not PANGO_REUSE:
            return setup(self, style)
        self.style = style
        self.first_line_direction = 0
        pango_context, self.language = context(style)
        assert not isinstance(style["font_family"], str), "font_family should be a list"
        font_description = description(style)
        self.layout = ffi.gc(pango.pango_layout_new(pango_context), gobject.g_object_unref)
        pango.pango_layout_set_auto_dir(self.layout, False)
        pango.pango_layout_set_font_description(self.layout, font_description)
        if style["text_decoration_line"] != "none":
            metrics = ffi.gc(
                pango.pango_context_get_metrics(pango_context, font_description, self.language),
                pango.pango_font_metrics_unref,
            )
            self.ascent = FROM_UNITS * pango.pango_font_metrics_get_ascent(metrics)
            self.underline_position = FROM_UNITS * (
                pango.pango_font_metrics_get_underline_position(metrics)
            )
            self.strikethrough_position = FROM_UNITS * (
                pango.pango_font_metrics_get_strikethrough_position(metrics)
            )
            self.underline_thickness = FROM_UNITS * (
                pango.pango_font_metrics_get_underline_thickness(metrics)
            )
            self.strikethrough_thickness = FROM_UNITS * (
                pango.pango_font_metrics_get_strikethrough_thickness(metrics)
            )
        else:
            self.ascent = None
            self.underline_position = None
            self.strikethrough_position = None
        features = feature_string(style)
        if features:
            # WeasyPrint made a new attribute each time, kept the first of each string
            # and leaked the rest; the first is what it used.
            kept = style.font_config.font_features
            attr = kept.get(features)
            if attr is None:
                attr = kept[features] = pango.pango_attr_font_features_new(features)
            attr_list = pango.pango_attr_list_new()
            pango.pango_attr_list_insert(attr_list, attr)
            pango.pango_layout_set_attributes(self.layout, attr_list)
        return None

    layout.setup = reusing
    return ""


# Off only to compare (tests/test_weasy.py: the same bytes either way); read at each call.
PANGO_REUSE = True
# The style values fonts.font_features reads, in its order.
FEATURES = (
    "font_kerning", "font_variant_ligatures", "font_variant_position", "font_variant_caps",
    "font_variant_numeric", "font_variant_alternates", "font_variant_east_asian",
    "font_feature_settings",
)  # fmt: skip


# -- cid-subset ---------------------------------------------------------------------------

# Off only to compare (tests/test_weasy.py: the same pages either way); read at each call.
CID_SUBSET = True

# The tables WeasyPrint's subsetter drops (pdf/fonts.py): a PDF reads none of them.
_DROPPED = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH",
            b"PCLT", b"SVG ")  # fmt: skip


def _patch_cid_subset() -> str:
    import pydyf
    from weasyprint import pdf as writer
    from weasyprint.pdf import fonts

    font = getattr(fonts, "Font", None)
    stock = getattr(font, "_harfbuzz_subset", None)
    kind = vars(font).get("type") if font else None
    build = getattr(writer, "build_fonts_dictionary", None)
    if stock is None or getattr(stock, "__wrapped__", None) is not None or build is None:
        return "Font._harfbuzz_subset or pdf.build_fonts_dictionary is gone, or already patched"
    if _params(stock)[:3] != ["self", "to_unicode", "hinting"]:
        return "Font._harfbuzz_subset(self, to_unicode, hinting) changed"
    code = _source(stock)
    if "HB_SUBSET_FLAGS_RETAIN_GIDS" not in code or "hb_subset_or_fail(self.hb_face" not in code:
        return "Font._harfbuzz_subset no longer subsets self.hb_face keeping glyph ids"
    if not isinstance(kind, property) or "OTTO" not in _source(kind.fget):
        return "Font.type no longer tells an OpenType CFF font by its OTTO tag"
    if "'Subtype': '/OpenType'" not in _source(build) or _params(build)[:2] != ["pdf", "fonts"]:
        return "build_fonts_dictionary(pdf, fonts, …) no longer embeds CFF fonts as /OpenType"

    @functools.wraps(stock)
    def subset(self: Any, to_unicode: Any, hinting: Any, *args: Any, **kwargs: Any) -> Any:
        if CID_SUBSET and not args and not kwargs:
            data = _cid_subset(self, to_unicode, hinting)
            if data:
                self.file_content = data
                self.__dict__[_BARE_CFF] = True
                return None
        return stock(self, to_unicode, hinting, *args, **kwargs)

    def type_(self: Any) -> str:
        return "otf" if self.__dict__.get(_BARE_CFF) else kind.fget(self)

    @functools.wraps(build)
    def dictionary(pdf: Any, used: Any, *args: Any, **kwargs: Any) -> Any:
        out = build(pdf, used, *args, **kwargs)
        bare = {id(f.file_content) for f in used.values() if f.__dict__.get(_BARE_CFF)}
        for obj in pdf.objects if bare else ():
            # The font file WeasyPrint embedded as OpenType is the bare CFF table: say so.
            if (
                isinstance(obj, pydyf.Stream)
                and obj.extra.get("Subtype") == "/OpenType"
                and len(obj.stream) == 1
                and id(obj.stream[0]) in bare
            ):
                obj.extra["Subtype"] = "/CIDFontType0C"
        return out

    font._harfbuzz_subset = subset
    font.type = property(type_, doc=kind.__doc__)
    writer.build_fonts_dictionary = dictionary
    return ""


_BARE_CFF = "_publish_bare_cff"  # set on a Font whose file_content is its bare CFF table


def _cid_subset(font: Any, to_unicode: Any, hinting: Any) -> bytes | None:
    """The bare CFF table of a subset of a CID-keyed CFF font (Noto CJK, Source Han)
    holding the used glyphs alone, renumbered; or None to leave the font to WeasyPrint.

    WeasyPrint keeps every glyph id up to the highest one used (HarfBuzz's RETAIN_GIDS,
    then a second pass to trim the end), because the page's text names glyphs by id. In a
    CJK face the highest is near 65,000, so each subset carried some 60,000 empty glyphs
    and their metrics: 0.8–0.9 MB a face, four faces in a print edition, 30–37 ms of
    HarfBuzz each. In a CID-keyed CFF font the text names glyphs by CID, and the font's
    charset maps each CID to its glyph; the subsetter keeps each kept glyph's CID. So
    where every used glyph's CID is its glyph id (checked in the face's charset, and
    again in the subset's), the used glyphs alone draw the same page, provided the font
    is embedded as a bare CFF (``/CIDFontType0C``): poppler reads an OpenType-wrapped
    one by glyph id, and drew the wrong glyphs."""
    from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset

    tables = getattr(font, "tables", ())
    if (
        harfbuzz_subset is None
        or "CFF " not in tables
        or "fvar" in tables
        or font.missing
        or getattr(font, "bitmap", False)
        or getattr(font, "png", False)
        or getattr(font, "svg", False)
        or getattr(font, "colr", False)
    ):
        return None
    gids = sorted({0, *to_unicode})
    with _table(font.hb_face, b"CFF ") as table:
        if cff.of(table, gids) != gids:
            return None
    plan = ffi.gc(
        harfbuzz_subset.hb_subset_input_create_or_fail(), harfbuzz_subset.hb_subset_input_destroy
    )
    if plan == ffi.NULL:
        return None
    keep = harfbuzz_subset.hb_subset_input_glyph_set(plan)
    harfbuzz.hb_set_add_sorted_array(keep, ffi.new(f"hb_codepoint_t[{len(gids)}]", gids), len(gids))
    flags = (
        harfbuzz_subset.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED
        | harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE
    )
    if not hinting:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NO_HINTING
    harfbuzz_subset.hb_subset_input_set_flags(plan, flags)
    drop = harfbuzz_subset.hb_subset_input_set(plan, harfbuzz_subset.HB_SUBSET_SETS_DROP_TABLE_TAG)
    dropped = sorted(harfbuzz.hb_tag_from_string(t, -1) for t in _DROPPED)
    harfbuzz.hb_set_add_sorted_array(
        drop, ffi.new(f"hb_codepoint_t[{len(dropped)}]", dropped), len(dropped)
    )
    face = ffi.gc(harfbuzz_subset.hb_subset_or_fail(font.hb_face, plan), harfbuzz.hb_face_destroy)
    if face == ffi.NULL:
        return None
    with _table(face, b"CFF ") as table:
        return bytes(table) if cff.holds(table, gids) else None


@contextlib.contextmanager
def _table(face: Any, tag: bytes) -> Iterator[Any]:
    """The bytes of a face's table, read in place (the face's file is mapped, not
    copied), for as long as the ``with`` block runs."""
    from weasyprint.text.ffi import ffi, harfbuzz

    blob = harfbuzz.hb_face_reference_table(face, harfbuzz.hb_tag_from_string(tag, -1))
    try:
        size = ffi.new("unsigned int *")
        start = harfbuzz.hb_blob_get_data(blob, size)
        yield ffi.buffer(start, size[0]) if size[0] else b""
    finally:
        harfbuzz.hb_blob_destroy(blob)


def _source(obj: Any) -> str:
    """What a patch reads to see the code it wraps is as expected ("" when not at hand)."""
    try:
        return inspect.getsource(obj)
    except (OSError, TypeError):
        return ""


def _params(fn: Callable[..., Any]) -> list[str]:
    try:
        return list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return []


PATCHES: dict[str, Callable[[], str]] = {
    "justify": _patch_justify,
    "font-copy": _patch_font_copy,
    "compression": _patch_compression,
    "page-refs": _patch_page_refs,
    "running-once": _patch_running_once,
    "held-layouts": _patch_held_layouts,
    "pango-reuse": _patch_pango_reuse,
    "cid-subset": _patch_cid_subset,
    "pseudo-styles": _patch_pseudo_styles,
    "style-maps": _patch_style_maps,
    "let-go": _patch_let_go,
}
