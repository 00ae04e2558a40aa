"""The project's own jieba tokenizer and the spaCy ``zh`` pipeline around it.

jieba's module-level functions share one process-global dictionary: a user
dictionary loaded by any library leaks into everything. :class:`JiebaTokenizer`
owns a private ``jieba.Tokenizer`` instead, loads the domain dictionary
(``data/userdict.txt``) into it, and keeps jieba's prefix-dictionary cache in
the user's cache directory so a new process starts in a fraction of a second.

Township names: jieba knows many real county names (柏乡, 柳溪乡...) and so
splits an unknown township wrongly ("东柏乡" -> 东 / 柏乡). Names are found by
their unambiguous contexts (a line start, 中共…, a county name before, an organ
word or a year after) and added to this instance only; a bare place-word token
(乡, 镇, 街道) is merged with the two-character name before it.

Learnt names live for one document: the pipeline analyses each report inside
:meth:`JiebaTokenizer.document`, which forgets at its end what was learnt in
it, so a report is segmented the same whatever was analysed before it (and a
batch gives the same records in any file order). The county's own place
names, when they must always be known, belong in the domain dictionary
(``data/userdict.txt``), which every document sees.
"""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jieba
    from spacy.language import Language
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

_SUFFIXES = ("街道", "乡", "镇", "鄉", "鎮")  # traditional forms too: cut() may get the text as written
# Characters a township name does not contain: level words, quantifiers of "all/each/our".
_NOT_NAME = "乡镇鄉鎮县縣区區市省村街道各全本该該我其此每个個的和与與及在于對对将將现現关關由向从從"
# A name character: any Han character except the ones above.
_NAME = rf"(?:(?![{_NOT_NAME}])[\u4e00-\u9fff])"
# A township name between a strong left context and a strong right context.
_NAME_RE = re.compile(
    rf"(?:^|(?<=\n)|(?<=中共)|(?<=关于)|(?<=[\u4e00-\u9fff][县区市旗縣區]))"
    rf"({_NAME}{{2,3}}?(?:街道|乡|镇|鄉|鎮))"
    rf"(?=人民政府|政府|党委|党工委|委员会|办事处|人大|司法所|黨委|委員會|辦事處|(?:19|20)\d\d年)",
    re.MULTILINE,
)
# Tokens that end a name-like run but are not names ("全县 街道", "所在 乡").
_NOT_NAME_PREFIX = frozenset(
    ["全县", "全区", "全市", "全镇", "全乡", "辖区", "城区", "所在", "相关", "有关", "周边", "我们", "各个", "部分", "其他", "其余", "基层", "农村", "城乡", "乡镇", "村镇", "偏远", "中心", "边远"]
)
_MAX_LEARNT = 20000  # bound on learnt names per instance (a long batch must not grow without limit)
_JIEBA_CACHE = "jieba-{version}.cache"


@lru_cache(maxsize=1)
def user_dictionary_path() -> Path:
    """Path of the packaged domain dictionary."""
    return Path(str(resources.files("pipeline").joinpath("data/userdict.txt")))


def cache_dir() -> Path | None:
    """The user's cache directory for govreport (created), or None when not writable."""
    try:
        from platformdirs import user_cache_dir

        path = Path(user_cache_dir("govreport")) / "jieba"
        path.mkdir(parents=True, exist_ok=True)
        return path
    except OSError:
        return None


def _load_cached_dictionary(tk: jieba.Tokenizer, cache_file: Path) -> bool:
    """Fill ``tk`` from jieba's own cache file, reading it in one go.

    jieba's ``initialize`` unmarshals straight from the open file, which is about
    three times slower than ``marshal.loads`` on the bytes (0.62 s vs 0.22 s CPU
    here): this is most of a worker's start-up. Any problem -> False, and the
    caller lets jieba rebuild the cache.
    """
    import marshal

    try:
        freq, total = marshal.loads(cache_file.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return False
    if not isinstance(freq, dict) or not freq:
        return False
    tk.FREQ, tk.total, tk.initialized = freq, total, True
    return True


class JiebaTokenizer:
    """A private ``jieba.Tokenizer`` with the domain dictionary and learnt township names."""

    def __init__(self, userdict: Path | None = None, cache: Path | None = None) -> None:
        self._userdict = userdict or user_dictionary_path()
        self._cache = cache
        self._tk: jieba.Tokenizer | None = None
        self._names: set[str] = set()
        # While a document scope is open: the dictionary entries it changed, with their
        # values before (None: absent), so that its end can put them back.
        self._journal: list[tuple[str, int | None]] | None = None
        self._total_before: int | None = None

    # -- loading -------------------------------------------------------------
    @property
    def tokenizer(self) -> jieba.Tokenizer:
        """The owned jieba tokenizer, loaded on first use."""
        if self._tk is None:
            self._tk = self._load()
        return self._tk

    def _load(self) -> jieba.Tokenizer:
        import jieba

        # jieba logs "Building prefix dict..." at DEBUG to stderr; a library stays quiet.
        logging.getLogger("jieba").setLevel(logging.WARNING)
        tk = jieba.Tokenizer()
        cache = self._cache or cache_dir()
        tk.tmp_dir = str(cache) if cache else tempfile.gettempdir()
        tk.cache_file = _JIEBA_CACHE.format(version=getattr(jieba, "__version__", "0"))
        if not _load_cached_dictionary(tk, Path(tk.tmp_dir) / tk.cache_file):
            tk.initialize()  # builds the prefix dictionary and writes the cache for next time
        tk.load_userdict(str(self._userdict))
        self._tk = tk
        if self._journal is not None and self._total_before is None:
            self._total_before = tk.total  # loaded inside a document scope: undo to here
        for word in sorted(self._names):
            self._add_word(word)
        return tk

    def _add_word(self, word: str) -> None:
        """Add ``word`` to the loaded dictionary, journalled when a document scope is open."""
        tk = self._tk
        assert tk is not None
        if self._journal is not None:
            # jieba's add_word sets the word and creates its missing prefixes.
            self._journal.extend((word[: i + 1], tk.FREQ.get(word[: i + 1])) for i in range(len(word)))
        tk.add_word(word)

    @contextmanager
    def document(self) -> Iterator[None]:
        """One document's scope: names learnt inside it are forgotten when it ends.

        A nested scope belongs to the outer one.
        """
        if self._journal is not None:
            yield
            return
        names = set(self._names)
        self._journal = []
        self._total_before = self._tk.total if self._tk is not None else None
        try:
            yield
        finally:
            journal, self._journal = self._journal, None
            if self._tk is not None:
                for key, old in reversed(journal):
                    if old is None:
                        self._tk.FREQ.pop(key, None)
                    else:
                        self._tk.FREQ[key] = old
                if self._total_before is not None:
                    self._tk.total = self._total_before
            self._names = names
            self._total_before = None

    def warm(self) -> None:
        """Load the dictionary now (a batch worker calls this once at start)."""
        _ = self.tokenizer

    # -- vocabulary ----------------------------------------------------------
    def add_words(self, words: Iterable[str]) -> None:
        """Add words (e.g. the report's entity) to this instance only.

        Before the dictionary is loaded the words wait and are added on load,
        so learning a name never forces the load.
        """
        for word in words:
            word = word.strip()
            if len(word) >= 2 and word not in self._names and len(self._names) < _MAX_LEARNT:
                self._names.add(word)
                if self._tk is not None:
                    self._add_word(word)

    def learn_names(self, text: str) -> list[str]:
        """Find township names in their unambiguous contexts and add them; return them."""
        names = [m.group(1) for m in _NAME_RE.finditer(text)]
        self.add_words(names)
        return names

    # -- segmentation --------------------------------------------------------
    def cut(self, text: str, *, hmm: bool = True) -> list[str]:
        """Segment ``text``; the tokens concatenate back to ``text``.

        ``hmm=False`` skips jieba's HMM guess of unknown words (a quarter
        faster): the whole-report segmentation uses it, where an unknown name
        split into characters costs nothing downstream.
        """
        if not text:
            return []
        if any(s in text for s in _SUFFIXES):
            self.learn_names(text)
        tokens = list(self.tokenizer.cut(text, HMM=hmm))
        return _merge_place_suffix(tokens)


def _merge_place_suffix(tokens: list[str]) -> list[str]:
    """Join a bare 乡/镇/街道 token to the two-character name before it (云岭 街道 -> 云岭街道)."""
    out: list[str] = []
    for tok in tokens:
        if (
            tok in _SUFFIXES
            and out
            and len(out[-1]) == 2
            and all("\u4e00" <= c <= "\u9fff" for c in out[-1])
            and out[-1] not in _NOT_NAME_PREFIX
            and not any(c in _NOT_NAME for c in out[-1])
        ):
            out[-1] += tok
        else:
            out.append(tok)
    return out


class SpacyJiebaTokenizer:
    """A spaCy tokenizer that segments with a :class:`JiebaTokenizer`."""

    def __init__(self, vocab: Vocab, tokenizer: JiebaTokenizer, *, hmm: bool = True) -> None:
        self.vocab = vocab
        self.jieba = tokenizer
        self.hmm = hmm

    def __call__(self, text: str) -> Doc:
        from spacy.tokens import Doc

        words: list[str] = []
        spaces: list[bool] = []
        for tok in self.jieba.cut(text, hmm=self.hmm):
            # spaCy encodes one trailing space as a flag; other whitespace stays a token.
            if tok == " " and words and not spaces[-1] and not words[-1].isspace():
                spaces[-1] = True
                continue
            words.append(tok)
            spaces.append(False)
        return Doc(self.vocab, words=words, spaces=spaces)

    # spaCy calls these when a pipeline is saved; the dictionary is package data, nothing to store.
    def to_bytes(self, **_: object) -> bytes:
        return b""

    def from_bytes(self, _data: bytes, **_: object) -> SpacyJiebaTokenizer:
        return self

    def to_disk(self, _path: object, **_: object) -> None:
        return None

    def from_disk(self, _path: object, **_: object) -> SpacyJiebaTokenizer:
        return self


def build_nlp(tokenizer: JiebaTokenizer | None = None, *, hmm: bool = True) -> Language:
    """A blank spaCy ``zh`` pipeline whose tokenizer is our jieba instance (works offline)."""
    import spacy

    # The default "char" segmenter needs no download; it is replaced right away.
    nlp = spacy.blank("zh")
    nlp.tokenizer = SpacyJiebaTokenizer(nlp.vocab, tokenizer or JiebaTokenizer(), hmm=hmm)
    return nlp
