"""Finds emergency warning signs in a patient's message, deterministically, from content/safety/emergency_signs.yml.

Used in the Rasa server by the NLU safety screen (components/safety_screen.py), which makes a
flagged message's intent `emergency` whatever the classifier said, and in the action server by the
action that answers it (actions/safety_actions.py), which reads each category's advice from here.

How a message is read, for a clinical reviewer (the lists named here are the keys of the YAML file):

Words. The message is lower-cased and apostrophes are dropped ("can't" reads "cant"). It is split
into words (a decimal number such as "38.9" is one word) and the marks . ! ? ; , and line breaks.
Phrases match whole words, in order, with nothing in between. Every message is read as if the
patient wrote about themselves (SAME_AS below): "he", "she", "they" read as "i", "his", "her",
"their" as "my", "himself" as "myself", so a caregiver's "he can't feel his legs" matches the phrase
"i cant feel my legs"; a few common misspellings of short words and text-speak without the final g
("goin", "takin") are read as the word too.

Terms and signs. `terms` are named groups of phrases (for example `bladder_or_bowel`). A sign in
`signs` is present when every term group in its `all_of` has an occurrence that counts (see below)
in the same sentence (anywhere in the message for a sign with `across_sentences: true`: "I took 8 of
my pills. Now I feel so sleepy"). One finding is reported per category, for the first sign of that category in
the file's order, with the words of the message that showed it.

Typo tolerance. A word of 6 or more letters that is not a word of any phrase of the file (terms,
negations, history, hypothetical, ignore lists) nor in `real_words` is read as the long word of the
terms' phrases it is a small typo of: same first letter, at most 2 letters longer or shorter, and at
least 85% alike (difflib's ratio); the closest such word wins. "cant controll my blader" matches
"cant control my bladder"; "failing" (listed in `real_words`) is never read as "falling". Typos are
only corrected for the terms: the negation, history and other cue phrases must be spelt as listed.

Sentences, clauses and segments. A sentence ends at . ! ? ; a line break, or the words "but",
"however", "although", "though". A clause also ends at a comma, a colon and at "and", "so",
"because". A segment is a clause further split at the word "now" ("I fell years ago, now my legs
are numb": "now my legs are numb" is a segment of its own).

Negation. An occurrence does not count when a `negations` phrase ("no", "dont", "never")
ends among the 8 words up to the occurrence, with no clause break in between ("no fever", "I don't
have any numbness"; in "no, my legs went numb" the comma ends the clause), or when a `negations_after` phrase
("fine", "normal", "ruled out") starts among the 3 words right after it, in the same clause ("my
bladder is fine"). Phrases in `not_negations` only look like a negation ("no longer", "no idea")
and never negate, and nor do words inside a sign's own phrase ("cant feel", "no control"). Phrases
in `ignore` make the term words they overlap never count ("fall asleep" is not a fall).

History and hypotheticals. An occurrence in a segment that contains a `history` phrase ("years
ago", "used to", "last year") or a year ("in 2016", "the 1990s") is in the past, and so is one in a
segment with a `hypothetical` phrase, which asks about a sign without reporting it ("what if",
"is it a red flag"). A past occurrence does not count, unless its sign says `history_counts: true`
(self-harm: past thoughts of ending one's life are still raised) and the message contains no
`well_now` phrase anywhere ("I'm in a good place now", "doing well now"), which says the past is
past. A history phrase inside a `still_going` phrase does not count: "since two weeks ago" and
"desde hace dos semanas" say it is still happening. Because "now" starts a new segment, "I had a
fall years ago, now I can't move my legs" reports the current sign.

Whole sentences. A `frame` phrase puts every segment of its sentence in someone else's story or
in the past ("Watching Grey's Anatomy and a guy lost bladder control and they rushed him to
surgery", "my friend said her cousin went numb ...", "..., that was 8 years ago"), and so does a
`long_ago` phrase or a year among the first FRONT_WORDS words of a sentence or after a colon
("Eight years ago, during a dark time, I took an overdose"). A segment of such a sentence with a
`this_time` phrase ("since this morning", "today", "still") or a `still_going` one, or right after
"now", still counts. A `fiction` phrase does the same for a story that is nobody's own: a novel,
a character, a TV show, the news ("I'm writing a novel where my character ends up overdosing"); a
sign in it never counts, even one whose history counts. A sign asked and answered no ("numb? no.")
is denied, and so is every sign of a sentence with an `all_denied` phrase ("she asked if I had a
fever, if I lose urine, if my legs are weak, and the answer to all was no").

The classifier's text. `without_denied` gives the message without the segments in which a term
occurrence is negated or in the past, for the second tier (si_joint/possible_emergency.py) and,
keeping segments that end with "?", for the intent classifier ("no fever. what treatments are
there?" is a question about treatments). The screen itself always reads the full message.

Languages. The file may name `translations` (language -> file beside it, e.g. `es:
emergency_signs.es.yml`): the same categories, with their advice and warnings in that language, and
that language's own terms, cue lists and `reading`. A translation has this file's signs, so it must
define every term they use, and may add its own under `more_signs` (a sign said in a way only that
language has); it lists no `signs`. Its reading (its SAME_AS as `same_as`, and the words that end
a sentence, a clause or a segment). Every message is screened in every language, and patients mix
them ("mi abuela fell y no se puede levantar"): a translation also reads this file's terms, cue lists
and break words, English's SAME_AS for the words it does not use itself, and each language's phrase
words are real words, not typos, for the others ("suicidas" is not a misspelt "suicidal"). A finding
names the language whose signs found it; the advice is given in the language the message is written
in (si_joint/input_checks.py, reply_language). Accents are read as their plain letters in every
language ("sacroilíaca" reads "sacroiliaca", "niño" reads "nino").

Cost. Everything is in time proportional to the length of the message (at most MAX_SCREENED_CHARS
characters are screened): each word's sentence, clause and segment are worked out once, phrases are
looked up by their first word, and a word's typo check is remembered.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path
from typing import DefaultDict, Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

import yaml

from si_joint import PROJECT_ROOT
from si_joint.message_limits import MAX_SCREENED_CHARS
from si_joint.plain_text import without_accents

DEFAULT_SIGNS_FILE = PROJECT_ROOT / "content" / "safety" / "emergency_signs.yml"
# Channels refuse messages longer than MAX_SCREENED_CHARS, with a reply naming the emergency number,
# so the screen sees every character of every message it is given. As defence in depth `find` still
# never takes unbounded time: given a longer text, it screens only the first MAX_SCREENED_CHARS.
TYPO_CACHE_SIZE = 8192  # distinct words whose typo check is remembered, per loaded signs file
NEGATION_WINDOW = 8
NEGATION_AFTER_WINDOW = 3
FUZZY_MIN_CHARS = 6
FUZZY_MIN_RATIO = 0.85
SENTENCE_BREAKS = frozenset(".!?;\n") | {"but", "however", "although", "though"}
CLAUSE_BREAKS = SENTENCE_BREAKS | {",", ":", "and", "so", "because"}
# "numb? no. incontinence? no.": a sign asked, then answered no.
DENIAL_ANSWERS = frozenset({"no", "nope", "nah", "none", "never", "negative", "nada", "nunca", "tampoco"})
SEGMENT_BREAKS = CLAUSE_BREAKS | {"now"}
# Words that make a segment a question for the classifier, even without a "?".
ASKING_WORDS = frozenset(
    {"what", "how", "why", "which", "wondering", "wonder", "que", "como", "cual", "cuales", "cuanto"}
)
# A decimal number ("38.9") is one word: its point does not end a sentence.
_TOKEN = re.compile(r"[0-9]+(?:[.,][0-9]+)+|[a-z0-9]+|[.!?;:,\n]")
# A year ("in 2016", "the 1990s") dates what its segment says: like a `history` phrase.
_YEAR = re.compile(r"(19|20)[0-9][0-9]s?")
_ASIDE = re.compile(r"\([^()]*\)")
_ASIDE_BREAKS = frozenset({",", ";", ":"})
APOSTROPHES = re.compile(r"['\u2019\u2018`\u00b4]")
# Labels of the phrase lists that are not terms, in the one index of those lists.
NEGATION, NEGATION_AFTER, NOT_NEGATION = "negation", "negation_after", "not_negation"
HISTORY, IGNORE, WELL_NOW, STILL_GOING = "history", "ignore", "well_now", "still_going"
FRAME, FICTION, LONG_AGO, THIS_TIME = "frame", "fiction", "long_ago", "this_time"
ALL_DENIED = "all_denied"
# A `long_ago` phrase or a year among the first words of a sentence dates the whole sentence.
FRONT_WORDS = 4

# Read as if the patient wrote about themselves: a caregiver's "he can't feel his legs" is matched
# by the phrases written as "i cant feel my legs". Also common spellings of short words, which are
# too short for typo matching.
SAME_AS = {
    **dict.fromkeys(("he", "she", "they", "we"), "i"),
    **dict.fromkeys(("his", "her", "their", "our", "your", "ur"), "my"),
    **dict.fromkeys(("him", "them", "us"), "me"),
    **dict.fromkeys(("himself", "herself", "themselves", "themself", "yourself", "ourselves"), "myself"),
    **dict.fromkeys(("hes", "shes", "theyre", "youre"), "im"),
    **dict.fromkeys(("has", "hav"), "have"),
    # Third person read as first ("she wants to die" is "i want to die"), as the pronouns above.
    **{verb + "s": verb for verb in ("want", "need", "feel", "think", "talk", "plan", "wish", "keep", "take")},
    "says": "say",
    "wishes": "wish",
    "tries": "try",
    "hates": "hate",
    "swallows": "swallow",
    "hasnt": "havent",
    "doesnt": "dont",
    "cnt": "cant",
    "cnat": "cant",
    "carnt": "cant",
    "cannt": "cant",
    "breath": "breathe",
    "breth": "breathe",
    "brethe": "breathe",
    "legg": "leg",
    "legz": "legs",
    "chst": "chest",
    "tonite": "tonight",
    "agen": "again",
    "wrse": "worse",
    "u": "you",
    "2": "to",
    "n": "and",
    "dosnt": "dont",
    # Text-speak drops the g: "goin", "takin", "thinkin".
    **{
        word[:-1]: word
        for word in (
            "going",
            "taking",
            "thinking",
            "doing",
            "feeling",
            "hurting",
            "getting",
            "having",
            "trying",
            "walking",
            "standing",
            "moving",
            "breathing",
            "peeing",
            "killing",
            "ending",
            "living",
            "waking",
            "sweating",
            "radiating",
            "bleeding",
            "shaking",
            "falling",
            "losing",
            "leaking",
            "cutting",
            "harming",
            "planning",
            "coming",
            "burning",
            "freezing",
            "shivering",
            "throwing",
        )
    },
}

Phrase = Tuple[str, ...]
Span = Tuple[int, int]


@dataclass(frozen=True)
class Wording:
    """How one language's words are read: who is "I" (SAME_AS), and the words that end a sentence,
    a clause or a segment. English's are here; another language's come from its file's `reading`."""

    same_as: Mapping[str, str]
    sentence_breaks: FrozenSet[str]
    clause_breaks: FrozenSet[str]
    segment_breaks: FrozenSet[str]


ENGLISH = Wording(SAME_AS, SENTENCE_BREAKS, CLAUSE_BREAKS, SEGMENT_BREAKS)


class EmergencySignsError(ValueError):
    """The emergency signs file cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Sign:
    id: str
    category: str
    all_of: Tuple[str, ...]
    history_counts: bool = False
    across_sentences: bool = False  # its terms may be told in different sentences of the message


@dataclass(frozen=True)
class Finding:
    sign: str
    category: str
    matched: str  # the words of the message that showed the sign
    language: str = "en"  # the language of the signs that found it


@dataclass(frozen=True)
class Occurrence:
    span: Span
    negated: bool
    past: bool
    fiction: bool = False


@dataclass(frozen=True)
class Category:
    advice: str
    crisis: bool = False
    warning: str = ""  # the signs in a few words, for "if you have ..." and the red-flags answer
    not_a_page_symptom: bool = False  # the page lists none of its signs among SI joint symptoms


def tokenize(text: str, same_as: Mapping[str, str] = SAME_AS) -> List[Tuple[str, int, int]]:
    """Lower-cased words without accents (read as first person, see SAME_AS) and sentence/clause
    punctuation, with their character offsets."""
    lowered = APOSTROPHES.sub("", "".join(_unaccented(ch) for ch in text.lower()))
    # Dropping apostrophes shifts offsets; map each kept character back to the original text.
    kept = [i for i, ch in enumerate(text.lower()) if not APOSTROPHES.match(ch)]
    tokens: List[Tuple[str, int, int]] = []
    previous = ""
    # An aside in brackets belongs to its clause: "after a fall (heels, dance floor) a year ago".
    asides = [m.span() for m in _ASIDE.finditer(lowered)]
    for m in _TOKEN.finditer(lowered):
        word = m.group()
        if word in _ASIDE_BREAKS and any(start < m.start() < end for start, end in asides):
            continue
        # A two-word key reads the second word after the first ("me va": "va", the pain "will kill
        # me", is not "se va" -> "me voy", "I will kill myself").
        tokens.append(
            (same_as.get(f"{previous} {word}") or same_as.get(word, word), kept[m.start()], kept[m.end() - 1] + 1)
        )
        previous = word
    return tokens


@lru_cache(maxsize=4096)
def _unaccented(ch: str) -> str:
    """ "é" -> "e", "ñ" -> "n": one character for one, so offsets stay those of the message."""
    base = without_accents(ch)
    return base if len(base) == 1 else ch


def _phrase(text: str, same_as: Mapping[str, str] = SAME_AS) -> Phrase:
    return tuple(token for token, _, _ in tokenize(str(text), same_as))


class EmergencySigns:
    def __init__(
        self,
        path: Path,
        categories: Dict[str, Category],
        signs: Sequence[Sign],
        terms: Dict[str, FrozenSet[Phrase]],
        negations: FrozenSet[Phrase],
        negations_after: FrozenSet[Phrase],
        not_negations: FrozenSet[Phrase],
        history: FrozenSet[Phrase],
        ignore: FrozenSet[Phrase],
        real_words: FrozenSet[str] = frozenset(),
        well_now: FrozenSet[Phrase] = frozenset(),
        language: str = "en",
        wording: Wording = ENGLISH,
        still_going: FrozenSet[Phrase] = frozenset(),
        sentence_cues: Optional[Dict[str, FrozenSet[Phrase]]] = None,
    ) -> None:
        self.path = path
        self.language = language
        self.wording = wording
        # The same categories' signs in other languages (the file's `translations`): every message
        # is screened in all of them, and a finding names the language its advice is given in.
        self.translations: Dict[str, EmergencySigns] = {}
        self.categories = categories
        self.signs = tuple(signs)
        self._terms = terms
        self._term_phrases = _PhraseIndex(terms)
        self._cue_phrases = _PhraseIndex(
            {
                NEGATION: negations,
                NEGATION_AFTER: negations_after,
                NOT_NEGATION: not_negations,
                HISTORY: history,
                IGNORE: ignore,
                STILL_GOING: still_going,
                **(sentence_cues or {}),
            }
        )
        self._well_now = _PhraseIndex({WELL_NOW: well_now})
        self._typo_candidates = _typo_candidates(terms)
        # Words that are spelled right: those of the file's phrases, and real words that only look
        # like a typo of one of them ("failing" is not "falling").
        phrase_lists = (
            *terms.values(),
            negations,
            negations_after,
            not_negations,
            history,
            ignore,
            still_going,
            *(sentence_cues or {}).values(),
        )
        self.spelled_right = frozenset(real_words) | {w for ps in phrase_lists for p in ps for w in p}
        # A message repeats its words, and messages repeat each other's: compare each word once.
        self._spelling = lru_cache(maxsize=TYPO_CACHE_SIZE)(self._find_spelling)

    def accept_spellings(self, words: FrozenSet[str]) -> None:
        """Words of another language's phrases are words, not typos: "suicidas" is not a misspelt
        "suicidal" for the English phrases."""
        self.spelled_right |= words
        self._spelling = lru_cache(maxsize=TYPO_CACHE_SIZE)(self._find_spelling)

    @property
    def files(self) -> List[Path]:
        """This file and its translations' files."""
        return [self.path, *(signs.path for signs in self.translations.values())]

    def categories_in(self, language: str) -> Dict[str, Category]:
        """The categories' advice and warnings in `language` (this file's language if not served)."""
        return self.translations[language].categories if language in self.translations else self.categories

    def find(self, text: str) -> List[Finding]:
        """Every sign the message shows, one finding per category: this file's signs in its order,
        then its translations' for categories not found yet.

        Only the first MAX_SCREENED_CHARS characters are screened (see there); the time taken grows
        in proportion to the length screened."""
        findings = self._find_in_own_language(text)
        for translation in self.translations.values():
            found = {f.category for f in findings}
            findings += [f for f in translation._find_in_own_language(text) if f.category not in found]
        return findings

    def mentioned(self, text: str) -> List[Finding]:
        """The signs the message names but denies, puts in the past or asks about ("what does it
        mean if back pain comes with numbness in the groin?"), as `find` would report them if they
        were happening now."""
        findings = self._find_in_own_language(text, every_mention=True)
        for translation in self.translations.values():
            found = {f.category for f in findings}
            findings += [
                f for f in translation._find_in_own_language(text, every_mention=True) if f.category not in found
            ]
        return findings

    def without_denied(self, text: str, keep_questions: bool = False) -> str:
        """The message without the clauses in which a sign's words are denied or in the past, in any
        of the languages, for the second tier ("no trouble peeing, but what causes it?" -> "but what
        causes it?"). With `keep_questions` (for the intent classifier), a clause that ends with "?"
        stays: "she has no numbness. can a crash like that cause it?" keeps its question."""
        text = self._without_denied_in_own_language(text, keep_questions)
        for translation in self.translations.values():
            text = translation._without_denied_in_own_language(text, keep_questions)
        return text

    def denies_a_sign(self, text: str) -> bool:
        """Whether the message denies a sign or puts one in the past ("not numb, bladder normal")."""
        return " ".join(self.without_denied(text).split()) != " ".join((text or "").split())

    def _find_in_own_language(self, text: str, every_mention: bool = False) -> List[Finding]:
        text = (text or "")[:MAX_SCREENED_CHARS]
        tokens = tokenize(text, self.wording.same_as)
        words = [t for t, _, _ in tokens]
        occurrences = self._occurrences(words)
        sentence_of = _part_numbers(words, self.wording.sentence_breaks)
        # A past sign whose history counts (self-harm) does not, when the patient says they are well now.
        well_now = bool(self._well_now.spans(words)[WELL_NOW])
        usable: Dict[Tuple[str, bool], Dict[int, Span]] = {}  # (term, history counts) -> sentence -> span
        findings: Dict[str, Finding] = {}
        for sign in self.signs:
            if sign.category in findings:
                continue
            per_term = []
            for term in sign.all_of:
                history_counts = sign.history_counts and not well_now
                key = (term, history_counts)
                if key not in usable:
                    usable[key] = _first_usable_per_sentence(
                        occurrences[term], sentence_of, history_counts, every_mention
                    )
                per_term.append(usable[key])
            if sign.across_sentences:
                # "I took like 8 of my oxycodone. Now I feel really sleepy": the first occurrence
                # of each term, wherever it is, counts as being in the first sentence.
                per_term = [{0: spans[min(spans)]} if spans else {} for spans in per_term]
            sentences = set(per_term[0]).intersection(*per_term[1:])
            if sentences:
                first = min(sentences)  # sentence numbers grow along the message
                chosen = [spans[first] for spans in per_term]
                start = min(tokens[s][1] for s, _ in chosen)
                end = max(tokens[e - 1][2] for _, e in chosen)
                findings[sign.category] = Finding(sign.id, sign.category, text[start:end], self.language)
        return list(findings.values())

    def _without_denied_in_own_language(self, text: str, keep_questions: bool) -> str:
        text = (text or "")[:MAX_SCREENED_CHARS]
        tokens = tokenize(text, self.wording.same_as)
        words = [t for t, _, _ in tokens]
        segment_of = _part_numbers(words, self.wording.segment_breaks)
        occurrences = self._occurrences(words)
        negated = {segment_of[o.span[0]] for found in occurrences.values() for o in found if o.negated}
        past = {segment_of[o.span[0]] for found in occurrences.values() for o in found if o.past}
        if keep_questions:
            # For the classifier, a past segment goes only with a whole sign in its sentence: "I had
            # a lumbar fusion in 2018" names a word of a sign ("lumbar"), and is what it asks about.
            past &= self._segments_with_a_whole_sign(words, occurrences, segment_of)
        denied = (negated | past) - {None}
        if keep_questions:
            denied -= {segment_of[i - 1] for i, word in enumerate(words) if word == "?" and i > 0}
            # "..., just wondering what a pelvic belt does": a segment that asks stays, "?" or not.
            denied -= {segment_of[i] for i, word in enumerate(words) if word in ASKING_WORDS}
        if not denied:
            return text
        runs: List[List[int]] = []  # [start, end] of each run of kept tokens, in the original wording
        previous_kept, clause_kept = False, False
        for (_, start, end), part in zip(tokens, segment_of, strict=True):
            # A break word or mark ("and", ".") goes with the clause before it.
            kept = clause_kept if part is None else part not in denied
            clause_kept = kept if part is not None else clause_kept
            if kept and previous_kept:
                runs[-1][1] = end
            elif kept:
                runs.append([start, end])
            previous_kept = kept
        return " ".join(text[start:end] for start, end in runs)

    def _segments_with_a_whole_sign(
        self, words: List[str], occurrences: Dict[str, List[Occurrence]], segment_of: List[Optional[int]]
    ) -> Set[Optional[int]]:
        """The segments of the sentences in which every term of some sign occurs, whatever their state."""
        sentence_of = _part_numbers(words, self.wording.sentence_breaks)
        terms_in: DefaultDict[Optional[int], Set[str]] = defaultdict(set)
        for term, found in occurrences.items():
            for occurrence in found:
                terms_in[sentence_of[occurrence.span[0]]].add(term)
        whole = {n for n, terms in terms_in.items() if any(set(sign.all_of) <= terms for sign in self.signs)}
        return {segment for segment, sentence in zip(segment_of, sentence_of, strict=True) if sentence in whole}

    def _occurrences(self, words: List[str]) -> Dict[str, List[Occurrence]]:
        """Each term's occurrences in the message, in order, with whether they are denied or past."""
        cues = self._cue_phrases.spans(words)
        ignored = _covered(cues[IGNORE])
        spans = self._term_spans(words, ignored)
        # Words inside a sign's phrase ("no control") or a look-alike ("no longer") never negate.
        not_cues = _covered(s for found in spans.values() for s in found) | _covered(cues[NOT_NEGATION])
        negations = _Negations(
            ends=frozenset(end for start, end in cues[NEGATION] if not _overlaps((start, end), not_cues)),
            # ... nor inside a longer one ("la pierna se me fue": gave way, not "the pain went").
            starts_after=frozenset(
                start for start, end in cues[NEGATION_AFTER] if not _inside_a_longer(start, end, spans.values())
            ),
            clause_breaks_before=_breaks_before(words, self.wording.clause_breaks),
        )
        # A segment (clause, or part after "now") with a history cue talks about the past. No phrase
        # in the file starts with a break word, whose segment would be None: not past.
        segment_of = _part_numbers(words, self.wording.segment_breaks)
        years = {i for i, word in enumerate(words) if _YEAR.fullmatch(word)}
        still_going = _covered(cues[STILL_GOING])
        history = _covered(span for span in cues[HISTORY] if not _overlaps(span, still_going))
        past_segments = {segment_of[i] for i in history | years} - {None}
        openings = [start for start, _ in cues[LONG_AGO]] + sorted(years)
        sentence_of = _part_numbers(words, self.wording.sentence_breaks)
        all_denied = {sentence_of[start] for start, _ in cues[ALL_DENIED]} - {None}
        parts = (segment_of, sentence_of)
        fiction_segments = self._framed_segments(words, cues, parts, FICTION)
        past_segments |= self._framed_segments(words, cues, parts, FRAME, openings) | fiction_segments
        return {
            term: [
                Occurrence(
                    span,
                    negations.deny(span) or _answered_no(words, span) or sentence_of[span[0]] in all_denied,
                    segment_of[span[0]] in past_segments,
                    segment_of[span[0]] in fiction_segments,
                )
                for span in found
            ]
            for term, found in spans.items()
        }

    def _framed_segments(
        self,
        words: List[str],
        cues: Mapping[str, List[Span]],
        parts: Tuple[List[Optional[int]], List[Optional[int]]],
        frame: str,
        openings: Sequence[int] = (),
    ) -> Set[int]:
        """The segments of the sentences a phrase of the `frame` cue list ("watching Grey's Anatomy",
        "my friend said her cousin"; `fiction`: "my character") or one of the `openings` (a `long_ago`
        phrase or a year: "Eight years ago, during a dark time, ...") puts in someone else's story or
        the past, but not a segment that says it is now ("since this morning") nor one after "now".
        In fiction a time is the story's ("in last night's episode he fell"): only "now" ends it."""
        segment_of, sentence_of = parts  # each word's segment and sentence
        breaks = self.wording.sentence_breaks
        framed = {sentence_of[start] for start, _ in cues[frame]} | {
            sentence_of[i] for i in openings if _words_since_a_start(words, i, breaks) < FRONT_WORDS
        }
        framed.discard(None)
        if not framed:
            return set()
        present = set()
        if frame != FICTION:
            present = {segment_of[i] for i in _covered(cues[THIS_TIME]) | _covered(cues[STILL_GOING])}
        now_words = self.wording.segment_breaks - self.wording.clause_breaks  # "now", "ahora"
        present |= {segment_of[i + 1] for i, word in enumerate(words[:-1]) if word in now_words}
        framed_segments = {segment_of[i] for i, s in enumerate(sentence_of) if s in framed} - present
        return {segment for segment in framed_segments if segment is not None}

    def _term_spans(self, words: List[str], ignored: Set[int]) -> Dict[str, List[Span]]:
        """Where each term's phrases are, a small typo of a long word read as that word ("cant
        controll my blader"); in order, none ignored."""
        found = self._term_phrases.spans([self._spelling(word) for word in words])
        return {term: [s for s in found[term] if not _overlaps(s, ignored)] for term in self._terms}

    def _find_spelling(self, word: str) -> str:
        """The long word of the file's phrases of which `word` is a small typo (the closest), or
        `word` itself."""
        if len(word) < FUZZY_MIN_CHARS or not word.isalpha() or word in self.spelled_right:
            return word
        best, best_ratio = word, 0.0
        for known in self._typo_candidates.get(word[0], ()):
            ratio = _typo_ratio(word, known)
            if ratio > best_ratio:
                best, best_ratio = known, ratio
        return best


class _PhraseIndex:
    """Labelled phrases by their first word and length, so finding all of them in a message is one
    pass with a few set lookups per word, however many phrases share a first word."""

    def __init__(self, phrases_by_label: Mapping[str, Iterable[Phrase]]) -> None:
        index: DefaultDict[str, DefaultDict[int, DefaultDict[Phrase, List[str]]]] = defaultdict(
            lambda: defaultdict(lambda: defaultdict(list))
        )
        for label, phrases in phrases_by_label.items():
            for phrase in sorted(phrases):
                index[phrase[0]][len(phrase)][phrase].append(label)
        self._by_first_word = {
            word: sorted((length, dict(phrases)) for length, phrases in by_length.items())
            for word, by_length in index.items()
        }

    def spans(self, words: List[str]) -> DefaultDict[str, List[Span]]:
        """label -> the spans of words that are one of its phrases, in order of their start."""
        found: DefaultDict[str, List[Span]] = defaultdict(list)
        for i, word in enumerate(words):
            for length, phrases in self._by_first_word.get(word, ()):
                for label in phrases.get(tuple(words[i : i + length]), ()):
                    found[label].append((i, i + length))
        return found


@dataclass(frozen=True)
class _Negations:
    """One message's negation cues, placed so that checking an occurrence takes constant time."""

    ends: FrozenSet[int]  # word index just after each negation cue
    starts_after: FrozenSet[int]  # word index where each `negations_after` cue starts
    clause_breaks_before: List[int]  # [i]: how many clause breaks are among words[:i]

    def deny(self, span: Span) -> bool:
        """A cue ends among the NEGATION_WINDOW words before the span, or one starts among the
        NEGATION_AFTER_WINDOW words after it, with no clause break in between."""
        start, end = span
        before = any(
            cue_end in self.ends and self._same_clause(cue_end, start)
            for cue_end in range(max(0, start - NEGATION_WINDOW + 1), start + 1)
        )
        after = any(
            cue_start in self.starts_after and self._same_clause(end, cue_start)
            for cue_start in range(end, end + NEGATION_AFTER_WINDOW)
        )
        return before or after

    def _same_clause(self, first: int, last: int) -> bool:
        """No clause break among words[first:last]."""
        return self.clause_breaks_before[first] == self.clause_breaks_before[last]


def _typo_candidates(terms: Dict[str, FrozenSet[Phrase]]) -> Dict[str, List[str]]:
    """first letter -> the long words of the terms' phrases; a typo keeps the first letter."""
    known = {w for phrases in terms.values() for p in phrases for w in p if len(w) >= FUZZY_MIN_CHARS and w.isalpha()}
    candidates: DefaultDict[str, List[str]] = defaultdict(list)
    for word in sorted(known):
        candidates[word[0]].append(word)
    return dict(candidates)


def _typo_ratio(word: str, known: str) -> float:
    """How alike the two words are, if `word` can be a small typo of `known`; else 0."""
    if word[0] != known[0] or abs(len(word) - len(known)) > 2:
        return 0.0
    matcher = SequenceMatcher(None, word, known)
    # The quick ratios are upper bounds of ratio(), and much cheaper: the answer is the same.
    if matcher.real_quick_ratio() < FUZZY_MIN_RATIO or matcher.quick_ratio() < FUZZY_MIN_RATIO:
        return 0.0
    ratio = matcher.ratio()
    return ratio if ratio >= FUZZY_MIN_RATIO else 0.0


def _first_usable_per_sentence(
    occurrences: List[Occurrence], sentence_of: List[Optional[int]], history_counts: bool, every_mention: bool = False
) -> Dict[int, Span]:
    """sentence number -> its first occurrence that is not denied (nor past, unless that counts);
    `every_mention`: its first occurrence."""
    first: Dict[int, Span] = {}
    for occurrence in occurrences:
        sentence = sentence_of[occurrence.span[0]]
        happening = not occurrence.negated and not occurrence.fiction and (history_counts or not occurrence.past)
        # A mention, for the conditional line; not a crisis sign denied or in fiction ("not suicidal
        # or anything lol", "my character ends up overdosing"), whose line would speak of thoughts
        # the writer never had.
        mention = every_mention and not ((occurrence.negated or occurrence.fiction) and history_counts)
        if sentence is not None and (happening or mention):
            first.setdefault(sentence, occurrence.span)
    return first


def _answered_no(words: List[str], span: Span) -> bool:
    return span[1] + 1 < len(words) and words[span[1]] == "?" and words[span[1] + 1] in DENIAL_ANSWERS


def _words_since_a_start(words: List[str], index: int, sentence_breaks: FrozenSet[str]) -> int:
    """How many words come before words[index] in its sentence, or after a colon ("Quick background:
    in 2019 ...")."""
    count = 0
    for word in reversed(words[:index]):
        if word in sentence_breaks or word == ":":
            break
        count += 1
    return count


def _part_numbers(words: List[str], breaks: FrozenSet[str]) -> List[Optional[int]]:
    """For each word, the number of the part (sentence, segment) between `breaks` it is in; None
    for a break itself. Numbers grow along the message."""
    numbers: List[Optional[int]] = []
    part = 0
    for word in words:
        if word in breaks:
            numbers.append(None)
            part += 1
        else:
            numbers.append(part)
    return numbers


def _breaks_before(words: List[str], breaks: FrozenSet[str]) -> List[int]:
    """[i]: how many of words[:i] are breaks, for i from 0 to len(words)."""
    counts = [0]
    for word in words:
        counts.append(counts[-1] + (word in breaks))
    return counts


def _covered(spans: Iterable[Span]) -> Set[int]:
    return {i for start, end in spans for i in range(start, end)}


def _inside_a_longer(start: int, end: int, spans: Iterable[List[Span]]) -> bool:
    return any(a <= start and end <= b and b - a > end - start for found in spans for a, b in found)


def _overlaps(span: Span, positions: Set[int]) -> bool:
    return any(i in positions for i in range(*span))


def load_emergency_signs(path: Path = DEFAULT_SIGNS_FILE) -> EmergencySigns:
    """Reads and checks the signs file and the translations it names (`translations`: language ->
    file, beside it); raises EmergencySignsError naming the problem."""
    main = _read(Path(path))
    signs = _load_one_language(Path(path), main)
    # Patients mix languages ("I don't have fever", "no tengo fever"): a translation also reads this
    # file's negations, history, hypotheticals and figures of speech.
    shared_cues = {key: main.get(key) or [] for key in CUE_LISTS}
    # and its terms, for a sign told in both ("mi abuela fell y no se puede levantar").
    shared_cues.update({TERMS_OF + name: phrases for name, phrases in (main.get("terms") or {}).items()})
    for language, name in _mapping(signs.path, main, "translations").items():
        path_of_translation = signs.path.parent / str(name)
        translation = _load_one_language(
            path_of_translation, _read(path_of_translation), shared_cues, inherited_signs=signs.signs
        )
        if translation.language != language:
            raise EmergencySignsError(
                f"{translation.path}: says language '{translation.language}', "
                f"{signs.path.name} lists it as '{language}'"
            )
        if set(translation.categories) != set(signs.categories):
            raise EmergencySignsError(
                f"{translation.path}: its categories must be those of {signs.path.name}: "
                f"missing {sorted(set(signs.categories) - set(translation.categories))}, "
                f"extra {sorted(set(translation.categories) - set(signs.categories))}"
            )
        signs.translations[language] = translation
    every_language = [signs, *signs.translations.values()]
    words = frozenset().union(*(each.spelled_right for each in every_language))
    for each in every_language:
        each.accept_spellings(words)
    return signs


def _read(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise EmergencySignsError(f"{path}: cannot be read: {error}") from error
    if not isinstance(data, dict):
        raise EmergencySignsError(f"{path}: must be a mapping with categories, signs and terms")
    return data


def _mapping(path: Path, data: dict, key: str) -> dict:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise EmergencySignsError(f"{path}: '{key}' must be a mapping")
    return value


def _wording(path: Path, data: dict) -> Wording:
    """English's, or the file's `reading`: same_as (word -> word) and the break words."""
    reading = _mapping(path, data, "reading")
    if not reading:
        return ENGLISH
    # English's too, then the file's: patients mix the languages. Not for a word this language
    # uses itself (Spanish "he tenido" is not "I tenido"), nor "2" for "to".
    own_words = {w for value in _expanded(_phrase_lists(data)) for w in _TOKEN.findall(_unaccented_word(value))}
    same_as = {k: v for k, v in SAME_AS.items() if k.isalpha() and k not in own_words}
    same_as.update({str(k).lower(): str(v).lower() for k, v in _mapping(path, reading, "same_as").items()})

    def words(key: str) -> FrozenSet[str]:
        values = reading.get(key) or []
        if not isinstance(values, list) or not all(isinstance(v, str) and v.isalpha() for v in values):
            raise EmergencySignsError(f"{path}: reading: '{key}' must be a list of single words")
        return frozenset(_unaccented_word(v) for v in values)

    # English break words too: patients mix the languages.
    sentence = SENTENCE_BREAKS | words("sentence_breaks")
    clause = sentence | CLAUSE_BREAKS | words("clause_breaks")
    return Wording(same_as, sentence, clause, clause | SEGMENT_BREAKS | words("segment_breaks"))


_CHOICE = re.compile(r"\(([^()]*)\)")
_OPTIONAL = re.compile(r"\(([^()]*)\)\?")  # "(my )?legs" is "(my |)legs"
_NESTED = re.compile(r"\([^()]*\(")
MAX_PHRASES_PER_LINE = 5000


def _expanded(values: Iterable[object]) -> List[str]:
    """Every phrase a line stands for: "(feels|is) (so )?weird" is "feels so weird", "feels weird",
    "is so weird" and "is weird" (choices in brackets; an empty one, or "?" after them, for "or
    nothing")."""
    phrases: List[str] = []
    for value in values:
        lines = [_OPTIONAL.sub(r"(\1|)", str(value))]
        if "?" in lines[0] or _NESTED.search(lines[0]):
            # Not regular expressions: "arms?" or "(in (my|the) bed )?" would silently match nothing.
            raise EmergencySignsError(f"'{value}': '?' only right after brackets, and no brackets inside brackets")
        while _CHOICE.search(lines[0]):  # every line has the same brackets left, at its own place
            lines = [
                line[: m.start()] + choice + line[m.end() :]
                for line in lines
                for m in [_CHOICE.search(line)]
                if m
                for choice in m.group(1).split("|")
            ]
            if len(lines) > MAX_PHRASES_PER_LINE:
                raise EmergencySignsError(f"'{value}' stands for more than {MAX_PHRASES_PER_LINE} phrases")
        phrases += [" ".join(line.split()) for line in lines]
    return phrases


def _phrase_lists(data: dict) -> Iterable[str]:
    """Every phrase of a signs file's terms and cue lists, as written."""
    for name in ("terms",):
        for values in (data.get(name) or {}).values():
            yield from (str(v) for v in values or [])
    for key in (*CUE_LISTS, "real_words"):
        yield from (str(v) for v in data.get(key) or [])


def _unaccented_word(word: str) -> str:
    return without_accents(word.lower())


TERMS_OF = "terms:"
CUE_LISTS = (
    "negations",
    "negations_after",
    "not_negations",
    "history",
    "hypothetical",
    "ignore",
    "well_now",
    "still_going",
    "frame",
    "fiction",
    "long_ago",
    "this_time",
    "all_denied",
)


def _sign(raw: object) -> Sign:
    body = raw if isinstance(raw, dict) else {}
    return Sign(
        str(body.get("id")),
        str(body.get("category")),
        tuple(body.get("all_of") or ()),
        bool(body.get("history_counts", False)),
        bool(body.get("across_sentences", False)),
    )


def _load_one_language(
    path: Path, data: dict, shared_cues: Optional[Dict[str, list]] = None, inherited_signs: Sequence[Sign] = ()
) -> EmergencySigns:
    def fail(problem: str) -> EmergencySignsError:
        return EmergencySignsError(f"{path}: {problem}")

    wording = _wording(path, data)

    def phrase(text: str) -> Phrase:
        return _phrase(text, wording.same_as)

    def phrases(key: str) -> FrozenSet[Phrase]:
        values = data.get(key) or []
        if not isinstance(values, list) or not all(isinstance(v, str) and phrase(v) for v in values):
            raise fail(f"'{key}' must be a list of phrases")
        shared = (shared_cues or {}).get(key) or []
        return frozenset(phrase(v) for v in _expanded([*values, *shared]) if phrase(v))

    categories = {}
    for name, body in (data.get("categories") or {}).items():
        if not isinstance(body, dict) or not str(body.get("advice") or "").strip():
            raise fail(f"category '{name}' needs an advice text")
        if not str(body.get("warning") or "").strip():
            raise fail(f"category '{name}' needs a warning text")
        categories[name] = Category(
            " ".join(str(body["advice"]).split()),
            bool(body.get("crisis")),
            " ".join(str(body["warning"]).split()),
            bool(body.get("not_a_page_symptom")),
        )
    terms = {}
    for name, values in (data.get("terms") or {}).items():
        if not isinstance(values, list) or not values:
            raise fail(f"term '{name}' must be a non-empty list of phrases")
        shared = (shared_cues or {}).get(TERMS_OF + name) or []
        terms[name] = frozenset(phrase(v) for v in _expanded([*values, *shared]) if phrase(v))
    if inherited_signs and "signs" in data:
        raise fail("a translation has the signs of the main file: list only its own, under 'more_signs'")
    own_signs = [_sign(raw) for raw in data.get("more_signs" if inherited_signs else "signs") or []]
    signs: List[Sign] = []
    for sign in [*inherited_signs, *own_signs]:
        if sign.id in {s.id for s in signs}:
            raise fail(f"sign '{sign.id}' is listed twice")
        if sign.category not in categories:
            raise fail(f"sign '{sign.id}' names unknown category '{sign.category}'")
        unknown = [t for t in sign.all_of if t not in terms]
        if not sign.all_of or unknown:
            raise fail(f"sign '{sign.id}' needs known terms in all_of, unknown: {unknown}")
        signs.append(sign)
    if not signs:
        raise fail("lists no signs")
    unused = set(categories) - {s.category for s in signs}
    if unused:
        raise fail(f"categories without signs: {sorted(unused)}")
    return EmergencySigns(
        path,
        categories,
        signs,
        terms,
        phrases("negations"),
        phrases("negations_after"),
        # A sign asked about ("what if I can't pee?") is not happening now, like one in the past.
        phrases("not_negations"),
        phrases("history") | phrases("hypothetical"),
        phrases("ignore"),
        frozenset(w for p in phrases("real_words") for w in p),
        phrases("well_now"),
        str(data.get("language") or "en"),
        wording,
        phrases("still_going"),
        {key: phrases(key) for key in (FRAME, FICTION, LONG_AGO, THIS_TIME, ALL_DENIED)},
    )
