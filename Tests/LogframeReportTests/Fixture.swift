import Foundation
import LogframeCore
import LogframeDefinitions
import LogframeEngine
import LogframeReport
import LogframeTestSupport

typealias Fixture = ProgrammeFixture

/// A small EU programme over 2021-2022 exercising every style: a percentage, distinct people with
/// sex and sex x child breakdowns, children with disabilities, an average (a level), a count
/// under an activity, a reported indicator; a rejected row, a missing sex, a row after the
/// as-of date, and a first quarter without records (n/a, never 0).
enum Sample {
    static let definitions = """
    logframe: 1
    programme:
      id: TEST-EU
      title: {en: Community services pilot, az: İcma xidmətləri pilotu}
      donor: EU
      implementer: Test NGO
      start: 2021-01-01
      end: 2022-12-31
      periods: quarterly
    sources:
      services:
        path: services.csv
        key: id
        date: date
        fields:
          id: text
          date: date
          person: text
          sex: {type: text, in: [F, M]}
          age: {type: integer, min: 0, max: 120}
          disability: boolean
          service: {type: text, in: [legal, psychosocial]}
          hours: number
    dimensions:
      sex: {field: sex, title: {en: Sex, az: Cins}, labels: {F: {en: Female, az: Qadın}, M: {en: Male, az: Kişi}}}
      child: {expr: age < 18, labels: {true: {en: Children (under 18), az: Uşaqlar (18 yaşadək)}, false: {en: Adults, az: Yetkinlər}}}
      disability: {field: disability, title: {en: Disability, az: Əlillik}, labels: {true: {en: With disability, az: Əlilliyi olan}, false: {en: Without disability, az: Əlilliyi olmayan}}}
    results:
      - id: IMP
        level: impact
        title: {en: Vulnerable families are more resilient, az: Həssas ailələr daha dayanıqlıdır}
        results:
          - id: OC1
            level: outcome
            title: {en: Women and children use local services, az: Qadınlar və uşaqlar yerli xidmətlərdən istifadə edirlər}
            indicators:
              - id: OC1.1
                title: {en: Share of people served who are women, az: Xidmət göstərilənlər arasında qadınların payı}
                unit: "%"
                source: services
                value: percent(distinct(person where sex == "F"), distinct(person))
                decimals: 1
                baseline: n/a
                target: {value: 60, date: 2022-12-31}
                sdg: [5.1.1]
                means_of_verification: {en: Service register, az: Xidmət reyestri}
              - id: OC1.2
                title: {en: Community projects completed, az: Başa çatdırılmış icma layihələri}
                unit: {en: projects, az: layihə}
                reported: {2021: 3}
                baseline: {value: 0, date: 2020-12-31}
                target: {value: 3, date: 2022-12-31}
                means_of_verification: {en: Completion certificates, az: Təhvil-qəbul aktları}
            results:
              - id: OP1
                level: output
                title: {en: Legal and psychosocial services delivered, az: Hüquqi və psixososial xidmətlər göstərilib}
                indicators:
                  - id: OP1.1
                    title: {en: People who received any service, az: Hər hansı xidmət almış şəxslər}
                    unit: {en: people, az: nəfər}
                    source: services
                    value: distinct(person)
                    by: [sex, [sex, child]]
                    baseline: {value: 0, date: 2020-12-31}
                    milestones: {2021: 10}
                    target: {value: 20, date: 2022-12-31}
                    sdg: [16.3.1, 1.3.1]
                    means_of_verification: {en: Service register, az: Xidmət reyestri}
                    assumptions: {en: Security allows mobile outreach, az: Təhlükəsizlik səyyar xidmətə imkan verir}
                  - id: OP1.2
                    title: {en: Children who received psychosocial support, az: Psixososial dəstək almış uşaqlar}
                    unit: {en: children, az: uşaq}
                    source: services
                    value: distinct(person where age < 18 and service == "psychosocial")
                    by: [sex, disability]
                    baseline: {value: 0, date: 2020-12-31}
                    target: {value: 5, date: 2022-12-31}
                    sdg: [16.2.1]
                  - id: OP1.3
                    title: {en: Average hours per service, az: Xidmət başına orta saat}
                    unit: {en: hours, az: saat}
                    source: services
                    value: avg(hours)
                    cumulative: false
                    decimals: 2
                results:
                  - id: ACT1
                    level: activity
                    title: {en: Mobile team visits, az: Səyyar qrupun səfərləri}
                    indicators:
                      - id: A1.1
                        title: {en: Sessions held, az: Keçirilmiş seanslar}
                        unit: {en: sessions, az: seans}
                        source: services
                        value: count()
                        baseline: {value: 0, date: 2020-12-31}
                        target: {value: 40, date: 2022-12-31}
    """

    static let services = """
    id,date,person,sex,age,disability,service,hours
    1,2021-04-03,p1,F,34,false,legal,1.5
    2,2021-04-10,p2,M,12,false,psychosocial,2
    3,2021-05-01,p3,F,9,true,psychosocial,1
    4,2021-05-20,p1,F,34,false,psychosocial,0.5
    5,2021-06-02,p4,,40,false,legal,2.25
    6,2021-07-07,p5,F,15,false,psychosocial,1
    7,2021-07-19,p2,M,12,false,psychosocial,1.75
    8,2021-08-30,p6,M,52,true,legal,3
    9,2021-09-10,p7,X,30,false,legal,1
    10,2021-11-05,p8,F,22,false,legal,1
    11,2021-09-15,p9,F,16,,psychosocial,

    """

    static func fixture() throws -> Fixture {
        try Fixture(definitions, files: ["services.csv": services])
    }
}
