package dev.kinga.sidecar.breach;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One personal-data breach in the register: the content GDPR Art. 33(3) and the Kenya DPA 2019
 * s.43 ask for, the investigation's findings, and where it stands. Lists are stored as JSON arrays.
 */
@Entity
@Table(name = "breach_incident")
public class BreachIncident {

    @Id
    public String id;

    /** BR-yyyy-nnnn, numbered per year. */
    public String reference;

    public String title;

    @Enumerated(EnumType.STRING)
    public BreachStatus status;

    /** controller (tells the authority within 72 h) or processor (tells the controller within 48 h), fixed at creation. */
    @Column(name = "register_role")
    public String registerRole;

    @Column(name = "occurred_at")
    public Instant occurredAt;

    @Column(name = "detected_at")
    public Instant detectedAt;

    /** When the controller became aware: the 72-hour clock starts here. */
    @Column(name = "aware_at")
    public Instant awareAt;

    @Enumerated(EnumType.STRING)
    public Risk risk;

    // Art. 33(3)(a)-(d) and s.43(6)
    public String nature;

    @Column(name = "subject_categories")
    public String subjectCategories;

    @Column(name = "approx_subjects")
    public Long approxSubjects;

    @Column(name = "data_categories")
    public String dataCategories;

    @Column(name = "approx_records")
    public Long approxRecords;

    /** Health or other Art. 9 data involved. */
    @Column(name = "special_categories")
    public Boolean specialCategories;

    @Column(name = "contact_point")
    public String contactPoint;

    @Column(name = "likely_consequences")
    public String likelyConsequences;

    @Column(name = "measures_taken")
    public String measuresTaken;

    @Column(name = "measures_proposed")
    public String measuresProposed;

    /** What the people affected can do to protect themselves (s.43(6)(c); Art. 34(2)). */
    public String recommendations;

    /** The identity of the unauthorised person who accessed the data, where known (s.43(6)(d)). */
    @Column(name = "unauthorised_party")
    public String unauthorisedParty;

    // the investigation
    @Column(name = "root_cause")
    public String rootCause;

    @Column(name = "impact_assessment")
    public String impactAssessment;

    @Column(name = "remediation_steps")
    public String remediationSteps;

    @Column(name = "lessons_learned")
    public String lessonsLearned;

    /** The person's notice's texts in other languages, as JSON: {@code {"sw": {"nature": "...", ...}}}. */
    public String translations;

    // notification
    @Column(name = "authority_notified_at")
    public Instant authorityNotifiedAt;

    @Column(name = "authority_reference")
    public String authorityReference;

    /** Why the notification came after the deadline (Art. 33(1)). */
    @Column(name = "delay_reasons")
    public String delayReasons;

    @Column(name = "not_notifiable_reason")
    public String notNotifiableReason;

    @Column(name = "users_notified_at")
    public Instant usersNotifiedAt;

    @Enumerated(EnumType.STRING)
    @Column(name = "user_notice_exception")
    public UserNoticeException userNoticeException;

    @Column(name = "user_notice_exception_note")
    public String userNoticeExceptionNote;

    /** The public communication that replaces individual notices (Art. 34(3)(c)). */
    @Column(name = "public_notice")
    public String publicNotice;

    @Column(name = "resolved_at")
    public Instant resolvedAt;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "created_by")
    public String createdBy;

    @Version
    public long version;

    /** The categories of people concerned, or null when not given yet. */
    public List<String> subjectCategoryList() {
        return IncidentJson.list(subjectCategories);
    }

    /** The categories of personal data concerned, or null when not given yet. */
    public List<String> dataCategoryList() {
        return IncidentJson.list(dataCategories);
    }

    /** The person's notice's texts per language besides English (empty when none were given). */
    public Map<String, Map<String, String>> translationsByLanguage() {
        return translations == null ? Map.of() : IncidentJson.translations(translations);
    }
}
