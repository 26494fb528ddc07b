import LogframeCore
import LogframeEngine
import LogframeDefinitions

/// Every word a report style prints, in English and Azerbaijani. Style builders never write a
/// label themselves: they call `Localization.text(_:_:_:)` with a key, so a new language is one
/// more column here and a new style is a builder plus its keys. `%1`, `%2`, ... in a text are
/// replaced by the arguments, in order.
public enum Localization {
    public static let languages = ["en", "az"]

    public static func text(_ key: LabelKey, _ language: String, _ arguments: String...) -> String {
        let pair = table[key] ?? (key.rawValue, key.rawValue)
        return substitute(language == "az" ? pair.az : pair.en, arguments)
    }

    static func substitute(_ template: String, _ arguments: [String]) -> String {
        TextTemplate.fill(template, arguments)
    }

    public static func status(_ status: Status, _ language: String) -> String {
        switch status {
        case .achieved: return text(.statusAchieved, language)
        case .onTrack: return text(.statusOnTrack, language)
        case .atRisk: return text(.statusAtRisk, language)
        case .offTrack: return text(.statusOffTrack, language)
        case .notAchieved: return text(.statusNotAchieved, language)
        case .noTarget: return text(.statusNoTarget, language)
        case .noData: return text(.statusNoData, language)
        }
    }

    public static func level(_ level: ResultLevel, _ language: String) -> String {
        switch level {
        case .impact: return text(.levelImpact, language)
        case .outcome: return text(.levelOutcome, language)
        case .output: return text(.levelOutput, language)
        case .activity: return text(.levelActivity, language)
        }
    }

    static let table: [LabelKey: (en: String, az: String)] = [
        // Levels and status words.
        .levelImpact: ("Impact", "Təsir"),
        .levelOutcome: ("Outcome", "Nəticə"),
        .levelOutput: ("Output", "Məhsul"),
        .levelActivity: ("Activity", "Fəaliyyət"),
        .statusAchieved: ("achieved", "hədəfə çatılıb"),
        .statusOnTrack: ("on track", "plan üzrə"),
        .statusAtRisk: ("at risk", "risk altında"),
        .statusOffTrack: ("off track", "plandan geri"),
        .statusNotAchieved: ("not achieved", "hədəfə çatılmayıb"),
        .statusNoTarget: ("no target", "hədəf yoxdur"),
        .statusNoData: ("no data", "məlumat yoxdur"),
        .notAvailable: ("n/a", "n/a"),
        .notRecorded: ("not recorded", "qeyd edilməyib"),
        .yes: ("yes", "bəli"),
        .no: ("no", "xeyr"),
        .increase: ("increase", "artım"),
        .decrease: ("decrease", "azalma"),
        .cumulative: ("Cumulative", "Kumulyativ"),
        .notCumulative: ("Level (not cumulative)", "Səviyyə (kumulyativ deyil)"),
        .final: ("final", "yekun"),

        // Title block.
        .programme: ("Programme", "Proqram"),
        .donor: ("Donor", "Donor"),
        .implementer: ("Implementer", "İcraçı"),
        .programmePeriod: ("Programme period %1 to %2", "Proqram dövrü: %1 - %2"),
        .asOf: ("Figures as of %1", "Rəqəmlər %1 tarixinə"),
        .styleEU: ("Logical framework matrix (EU)", "Məntiqi çərçivə matrisi (AB)"),
        .styleUNDP: ("Results framework: progress (UNDP)", "Nəticələr çərçivəsi: irəliləyiş (BMTİP)"),
        .styleUNICEF: ("Results table (UNICEF)", "Nəticələr cədvəli (UNICEF)"),
        .styleIPTT: ("Indicator performance tracking table (IPTT)", "Göstəricilərin icrasının izlənməsi cədvəli (IPTT)"),
        .stylePIRS: ("Performance indicator reference sheets", "Göstərici məlumat vərəqələri"),
        .styleSDG: ("Contributions to the Sustainable Development Goals", "Dayanıqlı İnkişaf Məqsədlərinə töhfələr"),

        // EU.
        .euImpact: ("Overall objective (Impact)", "Ümumi məqsəd (Təsir)"),
        .euOutcome: ("Specific objective(s) (Outcomes)", "Xüsusi məqsəd(lər) (Nəticələr)"),
        .euOutputs: ("Outputs", "Məhsullar"),
        .euActivities: ("Activities", "Fəaliyyətlər"),
        .resultsChain: ("Results chain", "Nəticələr zənciri"),
        .indicators: ("Indicators", "Göstəricilər"),
        .baselineYear: ("Baseline (incl. reference year)", "Başlanğıc səviyyə (istinad ili ilə)"),
        .currentValueDate: ("Current value (reference date)", "Cari dəyər (istinad tarixi)"),
        .targetsYear: ("Targets (incl. reference year)", "Hədəflər (istinad ili ilə)"),
        .sourcesVerification: ("Sources and means of verification", "Mənbə və yoxlama vasitələri"),
        .assumptions: ("Assumptions", "Fərziyyələr"),
        .logframeMatrix: ("Logical framework", "Məntiqi çərçivə"),
        .noIndicators: ("(no indicator)", "(göstərici yoxdur)"),
        .sexNote: ("Indicators with a sex breakdown show the values for each sex on the lines under the figure.", "Cinsə görə bölgüsü olan göstəricilərin hər cins üzrə dəyərləri rəqəmin altındakı sətirlərdə göstərilir."),
        .codeNote: ("Codes (Oc 1, Op 1.1, A 1.1.1) follow the EU numbering of the results chain; the definitions' own id is in brackets where it differs.", "Kodlar (Oc 1, Op 1.1, A 1.1.1) nəticələr zəncirinin AB nömrələnməsinə uyğundur; fərqli olduqda təriflərdəki öz identifikatoru mötərizədə verilir."),

        // UNDP.
        .results: ("Results", "Nəticələr"),
        .dataSource: ("Data source", "Məlumat mənbəyi"),
        .baselineValueYear: ("Baseline (value, year)", "Başlanğıc səviyyə (dəyər, il)"),
        .milestonesTargets: ("Milestones and targets by year, final", "İllər üzrə aralıq hədəflər və yekun hədəf"),
        .achievedByYear: ("Achieved by year and cumulative", "İllər üzrə və kumulyativ nailiyyət"),
        .percentOfMilestone: ("% of milestone", "Aralıq hədəfin %-i"),
        .status: ("Status", "Status"),
        .green: ("green: achieved, or on track", "yaşıl: hədəfə çatılıb və ya plan üzrə"),
        .amber: ("amber: at risk", "sarı: risk altında"),
        .red: ("red: off track, or not achieved at the programme end", "qırmızı: plandan geri və ya proqramın sonunda hədəfə çatılmayıb"),
        .grey: ("grey: no target or no data", "boz: hədəf və ya məlumat yoxdur"),
        .undpNote: ("% of milestone compares the current value with the latest milestone due by the as-of date (the next one when none is due yet), measured from the baseline. Achieved by year is the value at the end of each year's last reported period. The traffic light is the indicator's status, the same in every style.", "Aralıq hədəfin %-i cari dəyəri hesabat tarixinədək vaxtı çatmış sonuncu aralıq hədəflə (heç biri çatmayıbsa, növbəti ilə) başlanğıc səviyyədən hesablamaqla müqayisə edir. İllər üzrə nailiyyət hər ilin sonuncu hesabat dövrünün sonundakı dəyərdir. Svetofor göstəricinin statusudur, bütün üslublarda eynidir."),
        .milestoneNext: ("%1: no milestone is due yet; % of milestone compares with the next one (%2).", "%1: hələ vaxtı çatmış aralıq hədəf yoxdur; aralıq hədəfin %-i növbəti ilə (%2) müqayisə edilir."),
        .undpStatusLegend: ("Status (UNDP traffic lights)", "Status (BMTİP svetoforu)"),
        .lightGreen: ("green", "yaşıl"),
        .lightAmber: ("amber", "sarı"),
        .lightRed: ("red", "qırmızı"),
        .lightGrey: ("grey", "boz"),

        // UNICEF.
        .indicator: ("Indicator", "Göstərici"),
        .target: ("Target", "Hədəf"),
        .cumulativeResults: ("Cumulative results", "Kumulyativ nəticələr"),
        .targetAchieved: ("Target achieved (%)", "Hədəfə çatma (%)"),
        .changeSincePrevious: ("Change since the previous period", "Əvvəlki dövrdən bəri dəyişiklik"),
        .percentagePoints: ("pp", "f.b."),
        .girls: ("Girls (under 18)", "Qızlar (18 yaşadək)"),
        .boys: ("Boys (under 18)", "Oğlanlar (18 yaşadək)"),
        .childrenWithDisabilities: ("Children with disabilities", "Əlilliyi olan uşaqlar"),
        .notDisaggregatedSexAge: ("not disaggregated by sex and age", "cins və yaş üzrə bölünməyib"),
        .unicefNote: ("Target achieved (%) = cumulative result / target x 100 (for a decrease, the share of the way from baseline to target). Change since the previous period = value at the as-of date minus the value at the end of the previous period (for percentages, in percentage points). Girls and boys come from a sex x under-18 cross-tab, or from the sex breakdown when the indicator counts only children under 18.", "Hədəfə çatma (%) = kumulyativ nəticə / hədəf x 100 (azalma üçün başlanğıc səviyyədən hədəfə qədər yolun payı). Əvvəlki dövrdən bəri dəyişiklik = hesabat tarixinə dəyər çıxılsın əvvəlki dövrün sonundakı dəyər (faizlər üçün faiz bəndi ilə). Qızlar və oğlanlar cins x 18 yaşadək çarpaz bölgüsündən, yaxud göstərici yalnız 18 yaşadək uşaqları saydıqda cins bölgüsündən götürülür."),

        // IPTT.
        .number: ("No.", "№"),
        .level: ("Level", "Səviyyə"),
        .unit: ("Unit", "Ölçü vahidi"),
        .direction: ("Direction", "İstiqamət"),
        .cumulativeOrNot: ("Cumulative or not", "Kumulyativ və ya yox"),
        .numberOrPercent: ("# or %", "# və ya %"),
        .baseline: ("Baseline", "Başlanğıc səviyyə"),
        .lifeOfProgramme: ("Life of programme", "Proqramın bütün müddəti"),
        .actual: ("Actual", "Faktiki"),
        .percentMet: ("% met", "İcra %-i"),
        .onTrackColumn: ("On track (±%1 %)", "Plan üzrə (±%1 %)"),
        .ipttOnTrack: ("on track", "plan üzrə"),
        .ipttBelow: ("behind plan", "plandan geri"),
        .ipttNote: ("Actuals of cumulative indicators are totals to the end of each period (recomputed from the records); of levels, the period's value. % met = actual / target x 100. On track: the current value is within %1 % of the target to date (the expected value on the straight line from baseline through the milestones to the target). At and after the programme end a target not met is not achieved.", "Kumulyativ göstəricilərin faktiki dəyərləri hər dövrün sonunadək cəmlərdir (qeydlərdən yenidən hesablanır); səviyyə göstəricilərində dövrün dəyəridir. İcra %-i = faktiki / hədəf x 100. Plan üzrə: cari dəyər bu günədək hədəfdən (başlanğıc səviyyədən aralıq hədəflərdən keçərək hədəfə qədər düz xətt üzrə gözlənilən dəyər) %1 %-dən çox fərqlənmir. Proqramın sonunda və ondan sonra çatılmamış hədəf hədəfə çatılmayıb sayılır."),
        .ipttNoteThresholds: ("Actuals of cumulative indicators are totals to the end of each period (recomputed from the records); of levels, the period's value. % met = actual / target x 100. Status: on track when the progress since the baseline is at least %1 % of the progress expected by the as-of date (on the straight line from baseline through the milestones to the target), at risk from %2 %, behind plan below that; at and after the programme end a target not met is not achieved.", "Kumulyativ göstəricilərin faktiki dəyərləri hər dövrün sonunadək cəmlərdir (qeydlərdən yenidən hesablanır); səviyyə göstəricilərində dövrün dəyəridir. İcra %-i = faktiki / hədəf x 100. Status: başlanğıc səviyyədən irəliləyiş hesabat tarixinədək gözlənilən irəliləyişin (başlanğıc səviyyədən aralıq hədəflərdən keçərək hədəfə qədər düz xətt üzrə) ən azı %1 %-i olduqda plan üzrə, %2 %-dən risk altında, daha az olduqda plandan geri; proqramın sonunda və ondan sonra çatılmamış hədəf hədəfə çatılmayıb sayılır."),

        // PIRS.
        .definition: ("Definition", "Tərif"),
        .resultLabel: ("Result", "Nəticə"),
        .computationWords: ("Computation", "Hesablama"),
        .countingUnit: ("Counting unit", "Hesablama vahidi"),
        .numerator: ("Numerator", "Surət"),
        .denominator: ("Denominator", "Məxrəc"),
        .disaggregations: ("Disaggregations", "Bölgülər"),
        .breakdownAnnex: ("Annex: disaggregation", "Əlavə: bölgülər"),
        .breakdownAnnexNote: ("Every breakdown declared for an indicator, cell by cell, with the records whose category was not recorded. Where people of a distinct count fall in several cells, their number is given on its own line: the cells then add up to more than the total.", "Göstərici üçün elan edilmiş hər bölgü xana-xana, kateqoriyası qeyd edilməmiş qeydlərlə birlikdə. Fərqli say göstəricisində şəxslər bir neçə xanaya düşdükdə onların sayı ayrıca sətirdə verilir: onda xanaların cəmi ümumi dəyərdən çox olur."),
        .breakdownPeriodNote: ("Period columns give the value of the records dated in each period.", "Dövr sütunları hər dövrdə tarixlənmiş qeydlərin dəyərini göstərir."),
        .suppressedSmall: ("<%1", "<%1"),
        .suppressedComplementary: ("x", "x"),
        .suppressionNote: ("Data protection: <%1 is a count of 1 to %2 people or records, withheld so that no one can be identified (privacy.min_cell: %1); x is a larger figure withheld so that a small one cannot be worked out from the others. Totals are computed from the records and printed when they are not small.", "Məlumatların qorunması: <%1 1-dən %2-yə qədər şəxs və ya qeyd sayıdır və heç kimin tanınmaması üçün gizlədilib (privacy.min_cell: %1); x kiçik rəqəmin digərlərindən hesablanmaması üçün gizlədilmiş daha böyük rəqəmdir. Cəmlər qeydlərdən hesablanır və kiçik olmadıqda göstərilir."),
        .overlapRow: ("counted in more than one cell", "birdən çox xanada sayılıb"),
        .breakdownBy: ("Breakdown", "Bölgü"),
        .frequency: ("Frequency", "Dövrilik"),
        .targetsMilestones: ("Targets and milestones", "Hədəflər və aralıq hədəflər"),
        .limitations: ("Known data limitations", "Məlum məlumat məhdudiyyətləri"),
        .sdgLinks: ("SDG indicators", "DİM göstəriciləri"),
        .none: ("none", "yoxdur"),
        .reportedByHand: ("Values entered in the definitions file, not computed from records.", "Dəyərlər təriflər faylına daxil edilib, qeydlərdən hesablanmır."),
        .monthly: ("monthly", "aylıq"),
        .quarterly: ("quarterly", "rüblük"),
        .semesters: ("half-yearly", "yarımillik"),
        .yearly: ("yearly", "illik"),
        .customPeriods: ("custom periods", "xüsusi dövrlər"),
        .rejectedInSource: ("%1: %2 of %3 rows rejected as invalid and excluded.", "%1: %3 sətirdən %2-i etibarsız sayılaraq kənarlaşdırılıb."),
        .notRecordedShare: ("%1: %2 not recorded (%3 of the current value).", "%1: %2 qeyd edilməyib (cari dəyərin %3-i)."),
        .noLimitations: ("No rejected rows and no missing breakdown values.", "Kənarlaşdırılmış sətir və çatışmayan bölgü dəyəri yoxdur."),
        .rowsMatched: ("Rows matched by the filter", "Filtrə uyğun sətirlər"),
        .meansOfVerificationNone: ("not stated", "göstərilməyib"),
        .sourcesWord: ("sources", "mənbələr"),

        // SDG.
        .sdgTarget: ("SDG target %1", "DİM hədəfi %1"),
        .sdgIndicator: ("SDG indicator", "DİM göstəricisi"),
        .programmeIndicator: ("Programme indicator", "Proqram göstəricisi"),
        .currentValue: ("Current value", "Cari dəyər"),
        .progress: ("Progress", "İrəliləyiş"),
        .sdgContributions: ("Contributions by SDG target", "DİM hədəfləri üzrə töhfələr"),
        .notLinkedSDG: ("Indicators not linked to an SDG: %1.", "DİM ilə əlaqələndirilməmiş göstəricilər: %1."),
        .noSDG: ("No indicator of this programme is linked to an SDG.", "Bu proqramın heç bir göstəricisi DİM ilə əlaqələndirilməyib."),
        .sdgNote: ("Progress = (current - baseline) / (target - baseline) x 100: the share of the way to the final target covered so far.", "İrəliləyiş = (cari - başlanğıc) / (hədəf - başlanğıc) x 100: yekun hədəfə qədər yolun indiyədək qət edilmiş payı."),

        // Breakdowns and charts.
        .byDimensions: ("By %1", "%1 üzrə"),
        .byInline: ("by %1", "%1 üzrə"),
        .overlapNote: ("%1 - %2: %3 counted in more than one cell, so the cells add up to more than the total.", "%1 - %2: %3 bir neçə xanada sayılıb, ona görə xanaların cəmi ümumi dəyərdən çoxdur."),
        .notRecordedNote: ("%1 - %2: %3 not recorded.", "%1 - %2: %3 qeyd edilməyib."),
        .trendTitle: ("%1: values by period", "%1: dövrlər üzrə dəyərlər"),
        .progressTitle: ("%1: progress to target", "%1: hədəfə doğru irəliləyiş"),
        .breakdownTitle: ("%1: by %2", "%1: %2 üzrə"),
        .trends: ("Trends", "Dinamika"),
        .period: ("Period", "Dövr"),
        .value: ("Value", "Dəyər"),

        // Notes.
        .notes: ("Notes", "Qeydlər"),
        .dataSources: ("Data sources", "Məlumat mənbələri"),
        .source: ("Source", "Mənbə"),
        .rowsRead: ("Rows read", "Oxunmuş sətirlər"),
        .rowsUsed: ("Used", "İstifadə edilib"),
        .rowsRejected: ("Rejected", "Kənarlaşdırılıb"),
        .rowsAfterAsOf: ("After as-of", "Hesabat tarixindən sonra"),
        .files: ("Files (SHA-256)", "Fayllar (SHA-256)"),
        .reconciliation: ("%1: rows read %2 = used %3 + rejected %4. Used rows dated after %6 (%5) count in later reports, not in this one.", "%1: oxunmuş sətirlər %2 = istifadə edilmiş %3 + kənarlaşdırılmış %4. %6 tarixindən sonrakı istifadə edilmiş sətirlər (%5) bu hesabata deyil, sonrakı hesabatlara daxildir."),
        .inputFiles: ("Input files and their SHA-256", "Giriş faylları və onların SHA-256 dəyəri"),
        .reconciliationAll: ("Every row read is accounted for (data sources: %1): rows read %2 = used %3 + rejected as invalid %4. Used rows dated after %6: %5; they count in later reports, not in this one.", "Oxunmuş hər sətir hesaba alınıb (məlumat mənbələri: %1): oxunmuş sətirlər %2 = istifadə edilmiş %3 + etibarsız sayılaraq kənarlaşdırılmış %4. %6 tarixindən sonrakı istifadə edilmiş sətirlər: %5; onlar bu hesabata deyil, sonrakı hesabatlara daxildir."),
        .reconciliationRule: ("Per source, rows read = used + rejected; used rows dated after %1 count in later reports.", "Hər mənbə üzrə oxunmuş sətirlər = istifadə edilmiş + kənarlaşdırılmış; %1 tarixindən sonrakı istifadə edilmiş sətirlər sonrakı hesabatlara daxildir."),
        .auditAppendix: ("Audit appendix: sources and input files", "Audit əlavəsi: mənbələr və giriş faylları"),
        .file: ("File", "Fayl"),
        .fileCount: ("Files", "Fayllar"),
        .annexReference: ("More breakdowns, cell by cell, in %1: %2.", "Digər bölgülər, xana-xana, %1 bölməsindədir: %2."),
        .foldedBreakdown: ("%1: %2 cells, in %3", "%1: %2 xana, %3 bölməsində"),
        .ipttBreakdownNote: ("Rows under an indicator are its breakdowns (life-of-programme actual; per period the period's value for a non-cumulative indicator). A breakdown of more than %1 cells is in %2.", "Göstəricinin altındakı sətirlər onun bölgüləridir (proqram üzrə faktiki dəyər; kumulyativ olmayan göstəricidə hər dövrün dəyəri). %1 xanadan çox bölgü %2 bölməsindədir."),
        .dataFiles: ("data files", "məlumat faylları"),
        .filesIn: ("%1 files in %2", "%2 qovluğunda %1 fayl"),
        .definitionsFile: ("Definitions", "Təriflər"),
        .problems: ("Data problems found: errors %1, warnings %2 (logframe validate lists them).", "Aşkar edilmiş məlumat problemləri: xəta %1, xəbərdarlıq %2 (siyahını logframe validate göstərir)."),
        .naNote: ("n/a: no data, or a ratio whose denominator is zero; never counted as 0. Cumulative figures and breakdown cells are recomputed from the records, never added up from other figures; rounding happens only in this display.", "n/a: məlumat yoxdur və ya məxrəci sıfır olan nisbət; heç vaxt 0 kimi sayılmır. Kumulyativ rəqəmlər və bölgü xanaları digər rəqəmlərin cəmindən deyil, qeydlərdən yenidən hesablanır; yuvarlaqlaşdırma yalnız bu təqdimatda aparılır."),
        .dateNote: ("Dates are written YYYY-MM-DD.", "Tarixlər GG.AA.İİİİ formatında yazılır."),
    ]
}

public enum LabelKey: String, Sendable, CaseIterable {
    case levelImpact, levelOutcome, levelOutput, levelActivity
    case statusAchieved, statusOnTrack, statusAtRisk, statusOffTrack, statusNotAchieved, statusNoTarget, statusNoData
    case notAvailable, notRecorded, yes, no, increase, decrease, cumulative, notCumulative, final
    case programme, donor, implementer, programmePeriod, asOf
    case styleEU, styleUNDP, styleUNICEF, styleIPTT, stylePIRS, styleSDG
    case euImpact, euOutcome, euOutputs, euActivities, resultsChain, indicators, baselineYear, currentValueDate
    case targetsYear, sourcesVerification, assumptions, logframeMatrix, noIndicators, sexNote, codeNote
    case results, dataSource, baselineValueYear, milestonesTargets, achievedByYear, percentOfMilestone, status
    case green, amber, red, grey, undpNote, milestoneNext, undpStatusLegend, lightGreen, lightAmber, lightRed, lightGrey
    case indicator, target, cumulativeResults, targetAchieved, changeSincePrevious, percentagePoints, girls, boys
    case childrenWithDisabilities, notDisaggregatedSexAge, unicefNote
    case number, level, unit, direction, cumulativeOrNot, numberOrPercent, baseline, lifeOfProgramme, actual
    case percentMet, onTrackColumn, ipttOnTrack, ipttBelow, ipttNote, ipttNoteThresholds
    case definition, resultLabel, computationWords, countingUnit, numerator, denominator
    case disaggregations, breakdownAnnex, breakdownAnnexNote, breakdownPeriodNote, overlapRow, breakdownBy, frequency, targetsMilestones, limitations, sdgLinks, none, reportedByHand
    case monthly, quarterly, semesters, yearly, customPeriods, rejectedInSource, notRecordedShare, noLimitations
    case rowsMatched, meansOfVerificationNone, sourcesWord
    case sdgTarget, sdgIndicator, programmeIndicator, currentValue, progress, sdgContributions, notLinkedSDG, noSDG, sdgNote
    case byDimensions, overlapNote, notRecordedNote, trendTitle, progressTitle, breakdownTitle, trends, period, value
    case notes, dataSources, source, rowsRead, rowsUsed, rowsRejected, rowsAfterAsOf, files, reconciliation
    case inputFiles, definitionsFile, problems, naNote, dateNote
    case reconciliationAll, reconciliationRule, auditAppendix, file, filesIn, dataFiles, fileCount, byInline, annexReference, foldedBreakdown, ipttBreakdownNote
    case suppressedSmall, suppressedComplementary, suppressionNote
}
