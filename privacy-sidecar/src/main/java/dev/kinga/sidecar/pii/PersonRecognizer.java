package dev.kinga.sidecar.pii;

import dev.kinga.sidecar.pii.model.EntityType;
import java.util.List;

/**
 * People's names, with or without a title. Three kinds of evidence, strongest first:
 * <ol>
 *   <li>a title before the name, in any case and however punctuated ("Dr. Amina Odhiambo",
 *       "dr.Smith", "SR. MARY", "Rev. Dr. Mugo", "Bi. Wanjiru");</li>
 *   <li>a word that introduces a name: "my name is", "name:", "client", "patient", "Hi", "Dear",
 *       "Thanks,", "jina langu ni", "mteja";</li>
 *   <li>the words themselves: a given name from the gazetteer (given-names.txt, surnames.txt:
 *       datafaker's name lists across naming traditions plus East African names kept by hand),
 *       alone or followed by more name words ("David Johnson", "Amina Wanjiru").</li>
 * </ol>
 * A word is a name word if the gazetteer lists it or it is a capitalised word that is neither a
 * common English word (SCOWL) nor a place; names that are also common words ("Grace", "Will",
 * "May") or places ("Victoria", "Jordan") need a title, an introducer or a surname next to them.
 * Particles ("wa", "de la", "bin") and initials join the words around them. A name followed by
 * "Hospital", "Street", "Ltd" and the like is an organisation or a place, not a person. The span
 * is the name without its title.
 */
final class PersonRecognizer implements Recognizer {

    private static final Context INTRODUCERS = new Context(1, Lexicon.INTRODUCERS);
    /** Small words before a name that are as often before anything else: the name must be in the gazetteer. */
    private static final Context WEAK_INTRODUCERS = new Context(1, Lexicon.WEAK_INTRODUCERS);
    private static final int MAX_WORDS = 4;
    private static final int MAX_TITLES = 3;
    private static final int MAX_LISTED = 10;

    private enum Evidence { TITLE, INTRODUCER, GAZETTEER_AFTER_INTRODUCER, NAME }

    @Override
    public EntityType type() {
        return EntityType.PERSON;
    }

    @Override
    public void find(Scan scan, List<Detection> out) {
        int tokens = scan.count();
        for (int k = 0, skip = -1; k < scan.flaggedCount(); k++) {
            int t = scan.flagged(k);
            if (t <= skip) {
                continue;
            }
            if (!scan.isWord(t)) {
                continue;
            }
            int first;
            Evidence evidence;
            if (scan.in(t, Lexicon.TITLE) && titleGap(scan, t)) {
                int u = t;
                while (u + 1 < tokens && u - t < MAX_TITLES && scan.in(u + 1, Lexicon.TITLE) && titleGap(scan, u + 1)) {
                    u++; // Rev. Dr. Mugo
                }
                first = u + 1;
                evidence = Evidence.TITLE;
            } else if (scan.in(t, Lexicon.INTRODUCER) && INTRODUCERS.endsAt(scan, t) >= 0) {
                first = t + 1;
                evidence = Evidence.INTRODUCER;
            } else if (scan.in(t, Lexicon.WEAK_INTRODUCER) && WEAK_INTRODUCERS.endsAt(scan, t) >= 0 && t + 1 < tokens && known(scan, t + 1)) {
                first = t + 1;
                evidence = Evidence.GAZETTEER_AFTER_INTRODUCER;
            } else if (scan.has(t, Scan.FIRST_UPPER) && scan.in(t, Lexicon.GIVEN | Lexicon.SURNAME)) {
                first = t;
                evidence = Evidence.NAME;
            } else {
                continue;
            }
            int last = evidence != Evidence.NAME && first < tokens && !scan.has(first, Scan.FIRST_UPPER)
                    ? lowerCaseName(scan, first, evidence) : name(scan, first, evidence);
            if (last >= 0 && evidence == Evidence.NAME) {
                int before = unknownWordBefore(scan, first);
                if (before >= 0) {
                    first = before; // Kipchumba Rotich, Deepa Nair: a name the gazetteer lacks before one it knows
                } else if (!scan.in(first, Lexicon.GIVEN) && last == first) {
                    last = -1; // a surname alone says little
                }
            }
            if (last >= 0 && first > 0 && scan.in(first - 1, Lexicon.ORGANISATION) && scan.has(first - 1, Scan.FIRST_UPPER)
                    && wordGap(scan, first - 1)) {
                last = -1; // Clinique Les Palmiers, Hospital Santa Maria
            }
            if (last >= 0) {
                double score = switch (evidence) {
                    case TITLE -> 0.85;
                    case INTRODUCER -> 0.8;
                    case GAZETTEER_AFTER_INTRODUCER -> 0.7;
                    case NAME -> last > first ? 0.75 : 0.6;
                };
                out.add(new Detection(type(), scan.start(first), scan.end(last), score));
                skip = listed(scan, last, out);
            }
        }
    }

    /**
     * Names listed after a name ("Suresh Raghunathan, Deepa Nair and Harpreet Kaur"): each further
     * entry of two name words or a gazetteer name is a name too. Returns the last token used.
     */
    private int listed(Scan scan, int last, List<Detection> out) {
        for (int entries = 0; entries < MAX_LISTED && last + 1 < scan.count(); entries++) {
            int next = last + 1;
            String between = scan.text.substring(scan.end(last), scan.start(next));
            if (scan.isWord(next) && (scan.is(next, "and") || scan.is(next, "na") || scan.is(next, "et") || scan.is(next, "y"))
                    && (between.equals(" ") || between.equals(", ")) && next + 1 < scan.count()) {
                between = ", ";
                next++;
            } else if (!between.equals(", ") && !between.equals(" & ")) {
                return last;
            }
            int end = name(scan, next, Evidence.INTRODUCER);
            if (end < 0 || end == next && !scan.in(next, Lexicon.GIVEN | Lexicon.SURNAME)) {
                return last;
            }
            out.add(new Detection(type(), scan.start(next), scan.end(end), 0.7));
            last = end;
        }
        return last;
    }

    /** The capitalised word right before a name, if it is a name word the gazetteer does not know; else -1. */
    private static int unknownWordBefore(Scan scan, int first) {
        int p = first - 1;
        if (p < 0 || !scan.isCapitalised(p) || scan.has(p, Scan.ALL_UPPER) || scan.length(p) < 2 || !wordGap(scan, p)
                || scan.lexicon(p) != 0 && !scan.in(p, Lexicon.GIVEN | Lexicon.SURNAME)) {
            return -1;
        }
        return scan.in(p, Lexicon.GIVEN | Lexicon.SURNAME) ? -1 : p;
    }

    /**
     * Chats are written in lower case ("ni mimi otieno", "sasa hassan"): after an introducer, a word
     * the gazetteer lists as a name that is not also a common word, and one more like it.
     */
    private static int lowerCaseName(Scan scan, int first, Evidence evidence) {
        if (evidence != Evidence.INTRODUCER || !lowerCaseNameWord(scan, first)) {
            return -1;
        }
        return first + 1 < scan.count() && wordGap(scan, first) && lowerCaseNameWord(scan, first + 1) ? first + 1 : first;
    }

    private static boolean lowerCaseNameWord(Scan scan, int t) {
        if (!scan.isWord(t) || scan.has(t, Scan.FIRST_UPPER) || scan.length(t) < 3) {
            return false;
        }
        int bits = Lexicon.of(scan.text, scan.start(t), scan.end(t), scan.hash(t), true);
        return (bits & (Lexicon.GIVEN | Lexicon.SURNAME)) != 0
                && (bits & (Lexicon.COMMON | Lexicon.PLACE | Lexicon.NEVER | Lexicon.MONTH | Lexicon.TITLE)) == 0;
    }

    /**
     * A capitalised given name or surname from the gazetteer, not a month, a function word or a
     * place; one that is also a common word ("with Grace period") only with another name word after it.
     */
    private static boolean known(Scan scan, int t) {
        return scan.isCapitalised(t) && !scan.has(t, Scan.ALL_UPPER) && (scan.in(t, Lexicon.GIVEN) || scan.in(t, Lexicon.SURNAME))
                && !scan.in(t, Lexicon.MONTH) && !scan.in(t, Lexicon.NEVER) && !scan.in(t, Lexicon.PLACE)
                && (!scan.in(t, Lexicon.COMMON) || t + 1 < scan.count() && wordGap(scan, t) && nameWord(scan, t + 1, Evidence.INTRODUCER));
    }

    /** A title is followed by a full stop, spaces or a line break (up to three characters) and a word. */
    private static boolean titleGap(Scan scan, int t) {
        if (t + 1 >= scan.count()) {
            return false;
        }
        int from = scan.end(t);
        int to = scan.start(t + 1);
        if (to - from < 1 || to - from > 3) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = scan.charAt(i);
            if (c != '.' && !Character.isWhitespace(c) && c != '\u00A0') {
                return false;
            }
        }
        return true;
    }

    /** The last token of the name that starts at {@code first}, or -1 if the evidence does not hold. */
    private static int name(Scan scan, int first, Evidence evidence) {
        if (evidence == Evidence.TITLE) {
            for (int initials = 0; initials < 3 && first + 1 < scan.count() && initial(scan, first)
                    && scan.start(first + 1) - scan.end(first) <= 2; initials++) {
                first++; // Dr. A. K. Sharma: the initials join the name (the caller's span starts at the first)
            }
        }
        if (first >= scan.count() || !nameWord(scan, first, evidence) && !commonFirstName(scan, first, evidence)) {
            return -1;
        }
        boolean strictStart = evidence == Evidence.NAME;
        boolean ambiguous = strictStart && (scan.in(first, Lexicon.COMMON) || scan.in(first, Lexicon.PLACE));
        if (strictStart && (scan.has(first, Scan.ALL_UPPER) || scan.in(first, Lexicon.MONTH))) {
            ambiguous = true;
        }
        int last = first;
        int words = 1;
        while (words < MAX_WORDS) {
            int next = last + 1;
            if (next >= scan.count() || !wordGap(scan, last)) {
                break;
            }
            int particles = 0;
            while (next + particles < scan.count() && particles < 2 && scan.in(next + particles, Lexicon.PARTICLE)
                    && wordGap(scan, next + particles)) {
                particles++; // de la, wa, bin
            }
            if (particles > 0 && next + particles < scan.count() && particleJoins(scan, next + particles, evidence)) {
                last = next + particles;
                words++;
                continue;
            }
            if (initial(scan, next) && next + 1 < scan.count() && scan.start(next + 1) - scan.end(next) <= 2
                    && nameWord(scan, next + 1, evidence)) {
                last = next + 1; // John F. Kennedy
                words++;
                continue;
            }
            if (!nameWord(scan, next, evidence) || strictStart && scan.has(next, Scan.ALL_UPPER) != scan.has(first, Scan.ALL_UPPER)) {
                break;
            }
            last = next;
            words++;
        }
        if (last + 1 < scan.count() && wordGap(scan, last) && scan.has(last + 1, Scan.FIRST_UPPER)
                && scan.in(last + 1, Lexicon.ORGANISATION)) {
            return -1; // Kenyatta National Hospital, Moi Avenue
        }
        // Grace, Will, Victoria, JOHN: only with more name words after them
        return ambiguous && last == first ? -1 : last;
    }

    /** After a strong introducer ("Name: Gift Nyirenda"), a common word may begin a name that goes on. */
    private static boolean commonFirstName(Scan scan, int t, Evidence evidence) {
        return evidence == Evidence.INTRODUCER && scan.isCapitalised(t) && !scan.has(t, Scan.ALL_UPPER) && scan.length(t) > 1
                && scan.in(t, Lexicon.COMMON) && !scan.in(t, Lexicon.NEVER | Lexicon.MONTH | Lexicon.ORGANISATION | Lexicon.PLACE)
                && t + 1 < scan.count() && wordGap(scan, t) && !scan.in(t + 1, Lexicon.COMMON) && nameWord(scan, t + 1, evidence);
    }

    /** Whether token {@code t} can be part of a name under this evidence. */
    private static boolean nameWord(Scan scan, int t, Evidence evidence) {
        if (!scan.isWord(t) || !scan.has(t, Scan.FIRST_UPPER) || scan.length(t) < 2
                || scan.in(t, Lexicon.TITLE) && evidence == Evidence.NAME) {
            return false;
        }
        if (scan.in(t, Lexicon.NEVER)) {
            // "Will Smith": a given name that is also a function word, but only as the first of several
            return evidence == Evidence.NAME && scan.in(t, Lexicon.GIVEN) && scan.isWord(t) && t + 1 < scan.count()
                    && !scan.in(t + 1, Lexicon.NEVER) && scan.has(t + 1, Scan.FIRST_UPPER) && scan.in(t + 1, Lexicon.SURNAME);
        }
        if (scan.in(t, Lexicon.GIVEN) || scan.in(t, Lexicon.SURNAME)) {
            return true;
        }
        if (scan.has(t, Scan.ALL_UPPER) && evidence != Evidence.TITLE) {
            return false; // upper-case words the gazetteer does not know, without a title: acronyms
        }
        return !scan.in(t, Lexicon.COMMON) && !scan.in(t, Lexicon.PLACE) && !scan.in(t, Lexicon.ORGANISATION)
                && !scan.in(t, Lexicon.MONTH);
    }

    private static boolean particleJoins(Scan scan, int t, Evidence evidence) {
        return nameWord(scan, t, evidence == Evidence.NAME ? Evidence.INTRODUCER : evidence);
    }

    /** A capital letter and a full stop: the F. in John F. Kennedy. */
    private static boolean initial(Scan scan, int t) {
        return scan.length(t) == 1 && scan.has(t, Scan.FIRST_UPPER) && scan.end(t) < scan.textLength()
                && scan.charAt(scan.end(t)) == '.';
    }

    /** Words of one name are separated by one or two spaces (or a hyphen), never a line break or punctuation. */
    private static boolean wordGap(Scan scan, int t) {
        if (t + 1 >= scan.count()) {
            return false;
        }
        int from = scan.end(t);
        int to = scan.start(t + 1);
        if (to - from < 1 || to - from > 2) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = scan.charAt(i);
            if (c != ' ' && c != '\u00A0' && c != '-' && c != '\t') {
                return false;
            }
        }
        return true;
    }
}
