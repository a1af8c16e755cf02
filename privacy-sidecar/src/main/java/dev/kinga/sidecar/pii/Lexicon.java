package dev.kinga.sidecar.pii;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every word the word-based recognizers consult, in one table: each word carries the bits of
 * what it is (a given name, a title, the last word of an introducing phrase, ...). The scan looks
 * each word token up once, so a recognizer reads bits instead of searching lists.
 * <p>
 * Names, places and common words come from the files in src/main/resources/pii (sources and
 * licences in NOTICE.md there); the rest is listed here.
 */
final class Lexicon {

    static final int GIVEN = 1;
    static final int SURNAME = 1 << 1;
    static final int COMMON = 1 << 2;
    static final int PLACE = 1 << 3;
    static final int TITLE = 1 << 4;
    /** Function words, days and holidays: never part of a name. */
    static final int NEVER = 1 << 5;
    static final int MONTH = 1 << 6;
    /** A name followed by one of these is an organisation or a place. */
    static final int ORGANISATION = 1 << 7;
    static final int PARTICLE = 1 << 8;
    /** The last word of a phrase that introduces a name ("my name is", "Dear"). */
    static final int INTRODUCER = 1 << 9;
    /** The last word of a small word that introduces a name only from the gazetteer ("with", "for"). */
    static final int WEAK_INTRODUCER = 1 << 10;
    /** The last word of a phrase that announces a birth date ("date of birth", "born"). */
    static final int BIRTH = 1 << 11;

    /** The bits that make a word a trigger of a word-based recognizer (see {@link Scan#flagged}). */
    static final int TRIGGERS = GIVEN | SURNAME | TITLE | INTRODUCER | WEAK_INTRODUCER | BIRTH;

    static final String[] TITLES = {"dr", "mr", "mrs", "ms", "miss", "mx", "prof", "rev", "sr", "fr",
            "bw", "bi", "mwalimu", "mwl", "daktari", "dkt", "doctor", "professor", "sister", "nurse", "pastor", "sheikh",
            "hon", "mheshimiwa", "mama", "baba", "mzee", "madam", "madame", "sir", "dame", "lady", "lord", "capt", "sgt",
            "judge", "justice", "bro", "brother", "father", "imam", "bishop", "rabbi", "mrs", "mme", "mlle", "sra", "sr",
            "srta", "herr", "frau", "senor", "señor", "señora"};
    static final String[] INTRODUCERS = {"my name is", "name is", "name", "names", "full name",
            "jina langu ni", "jina", "majina", "i am", "i'm", "this is", "called", "named", "client", "patient", "mteja",
            "mgonjwa", "hi", "hello", "hey", "dear", "thanks", "thank you", "regards", "cheers", "sincerely", "best",
            "yours", "signed", "attn", "contact person", "next of kin", "spouse", "wife", "husband", "son", "daughter",
            "mother", "brother", "friend", "counsellor", "counselor", "therapist", "caregiver", "guardian", "parent",
            "colleague", "supervisor", "referred by", "seen by", "asante", "habari", "salamu", "sender", "recipient",
            "officer", "agent", "clinician", "psychologist", "psychiatrist", "doctor", "nurse", "anaitwa", "naitwa", "ni mimi",
            "mimi ni", "sasa", "wee", "yo", "its", "it's", "im", "mentor", "mentee", "assignee", "reporter", "contact", "driver",
            "teacher", "student", "pupil", "tenant", "landlord", "guest", "member", "members", "attendees", "interns", "staff"};
    static final String[] WEAK_INTRODUCERS = {"with", "for", "from", "by", "to", "and", "met", "saw",
            "told", "asked", "visited", "via", "cc", "attn", "na", "kwa"};
    static final String[] BIRTH_KEYWORDS = {"dob", "d o b", "date of birth", "birth date", "birthdate",
            "birthday", "born", "tarehe ya kuzaliwa", "alizaliwa", "né le", "née le", "né", "née", "nacido", "nacida", "geboren", "fecha de nacimiento", "date de naissance", "geburtsdatum"};
    static final String[] PARTICLES = {"de", "la", "del", "della", "van", "von", "der", "den", "wa", "bin",
            "binti", "bint", "ibn", "al", "el", "da", "dos", "das", "du", "le", "di", "ter", "ten", "y", "abu", "ben", "st",
            "arap", "ole", "ould", "mac", "bte"};

    /** A 4,096-bit filter of the small words' hashes: most lower-case words are ruled out without a table look-up. */
    private static final long[] SMALL_FILTER = new long[64];
    /** Every word: looked up for capitalised tokens. */
    private static final WordList WORDS = build(true);
    /** The small words that matter in lower case (titles, introducers, birth keywords, particles): a table that stays in cache. */
    private static final WordList SMALL_WORDS = build(false);

    private Lexicon() {
    }

    /**
     * The bits of {@code text[from, to)} whose {@link Scan#hash} is {@code hash}; 0 if unlisted.
     * A word that does not start with a capital is only looked up among the small words: names,
     * places and common words matter only when capitalised.
     */
    static int of(CharSequence text, int from, int to, int hash, boolean capitalised) {
        if (capitalised) {
            return WORDS.get(text, from, to, hash);
        }
        int bit = filterBit(hash);
        return (SMALL_FILTER[bit >>> 6] & 1L << bit) == 0 ? 0 : SMALL_WORDS.get(text, from, to, hash);
    }

    private static int filterBit(int hash) {
        return (hash * 0x9E3779B9) >>> 20;
    }

    private static WordList build(boolean everything) {
        Map<Integer, List<String>> lists = new LinkedHashMap<>();
        if (everything) {
            lists.put(GIVEN, WordList.resource("given-names.txt"));
            lists.put(SURNAME, WordList.resource("surnames.txt"));
            lists.put(COMMON, WordList.resource("common-words.txt"));
            lists.put(PLACE, WordList.resource("places.txt"));
        }
        lists.put(TITLE, List.of(TITLES));
        lists.put(NEVER, List.of("the", "a", "an", "and", "or", "but", "on", "in", "at", "to", "of",
            "for", "with", "by", "from", "as", "is", "was", "are", "were", "be", "been", "has", "have", "had", "do", "does",
            "did", "will", "would", "can", "could", "should", "might", "must", "shall", "not", "no", "yes", "this", "that",
            "these", "those", "he", "she", "it", "they", "we", "you", "i", "me", "him", "her", "them", "us", "my", "his",
            "its", "our", "their", "your", "who", "what", "when", "where", "why", "how", "if", "then", "so", "than", "too",
            "very", "just", "also", "only", "all", "any", "some", "each", "every", "both", "about", "after", "before",
            "during", "until", "since", "while", "into", "over", "under", "again", "here", "there", "now", "today",
            "tomorrow", "yesterday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
            "christmas", "easter", "ramadan", "eid", "diwali", "god", "allah", "jesus", "lord", "please", "hi", "hello",
            "dear", "thanks", "regards", "ok", "okay", "mr", "mrs", "ms", "dr", "re", "fwd", "subject", "sent", "pm", "am",
            "i'm", "i'll", "i've", "i'd", "it's", "don't", "can't", "won't", "didn't", "isn't", "we're", "you're",
            "they're", "let's", "that's", "what's", "he's", "she's", "there's", "ana", "hana", "kuna", "hakuna", "lakini",
            "kama", "pia", "sana", "bado", "tena", "leo", "kesho", "jana", "yeye", "wao", "sisi", "mimi", "wewe", "hii",
            "huyu", "hao", "katika", "kwa", "ni", "huko", "hapa", "pale", "sasa", "baada", "kabla", "le", "les", "des", "du"));
        lists.put(MONTH, List.of("january", "february", "march", "april", "may", "june", "july",
            "august", "september", "october", "november", "december"));
        lists.put(ORGANISATION, List.of("hospital", "clinic", "university", "college", "school",
            "bank", "ltd", "limited", "inc", "plc", "company", "foundation", "centre", "center", "street", "road", "avenue",
            "lane", "drive", "hall", "county", "ministry", "church", "mosque", "group", "trust", "airways", "airlines",
            "insurance", "sacco", "estate", "park", "house", "tower", "towers", "mall", "hotel", "institute", "academy",
            "association", "society", "council", "authority", "court", "station", "district", "city", "town", "village",
            "market", "stadium", "airport", "rd", "ave", "corp", "llc", "partners", "associates", "services", "solutions",
            "pharmacy", "medical", "health", "hospice", "way", "close", "crescent", "highway", "river", "lake", "mountain",
            "island", "state", "republic", "kingdom", "award", "prize", "act", "syndrome", "disease", "scale", "test",
            "counselling", "counseling", "therapy", "care", "wellness", "support", "network", "initiative", "project",
            "programme", "program", "centre", "clinics", "hospitals", "ward", "unit", "team", "office", "department",
            "agency", "fund", "society", "church", "ministries", "organisation", "organization", "enterprises", "holdings",
            "national", "teaching", "referral", "general", "memorial", "international", "trading", "traders", "motors",
            "supermarket", "pharmaceuticals", "consulting", "consultants", "industries", "global", "systems",
            "technologies", "labs", "media", "bakery", "restaurant", "cafe", "salon", "shop", "store", "stores", "clinique",
            "hôpital", "hopital", "société", "pharmacie", "école", "université", "cabinet", "hospitali", "kliniki", "shule",
            "chuo", "kanisa", "duka", "hoteli", "soko", "kampuni", "ag", "gmbh", "sa", "sarl", "bv", "nv", "llp", "pty", "kg",
            "oy", "spa", "srl", "treuhand", "logistik", "logistics"));
        lists.put(PARTICLE, List.of(PARTICLES));
        lists.put(INTRODUCER, lastWords(INTRODUCERS));
        lists.put(WEAK_INTRODUCER, lastWords(WEAK_INTRODUCERS));
        lists.put(BIRTH, lastWords(BIRTH_KEYWORDS));
        if (!everything) {
            lists.values().forEach(words -> words.forEach(word -> {
                int bit = filterBit(Words.hash(word, 0, word.length()));
                SMALL_FILTER[bit >>> 6] |= 1L << bit;
            }));
        }
        return new WordList(lists);
    }

    private static List<String> lastWords(String[] phrases) {
        return Words.split(phrases).stream().map(words -> words[words.length - 1]).toList();
    }
}
