/// `cron --every`: an interval cron can keep exactly, as the five fields of a crontab line.
/// Cron's minute and hour fields restart each hour and each day, so `*/7` fires at :56 and again
/// at :00: only divisors of an hour (minutes) or of a day (hours), a day and a week are kept
/// evenly; anything else is refused rather than scheduled unevenly.
struct CronSchedule {
    /// The five time fields, e.g. `*/10 * * * *`.
    let fields: String
    /// What it means, for the comment above the line, e.g. "every 10 minutes".
    let meaning: String

    /// The divisors of 60 and 24 that cron keeps evenly.
    static let minuteSteps = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30]
    static let hourSteps = [1, 2, 3, 4, 6, 8, 12]

    /// Parses `10m`, `2h`, `1d`, `7d`; the message says why not and what would do.
    init(every text: String) throws(CronScheduleError) {
        guard let unit = text.last, let count = Int(text.dropLast()), count > 0 else {
            throw CronScheduleError("--every \(text): expected a whole number and a unit m, h or d, such as 10m, 2h or 1d")
        }
        switch unit {
        case "m" where count % 60 == 0:
            self = try CronSchedule(every: "\(count / 60)h")
        case "m":
            guard Self.minuteSteps.contains(count) else {
                throw CronScheduleError(
                    "--every \(text): cron cannot run every \(count) minutes evenly (its minute field restarts each hour); "
                        + "use one of \(Self.minuteSteps.map { "\($0)m" }.joined(separator: ", ")), or hours, "
                        + "or keep `etl-runtime run --every \(text)` running as a service")
            }
            fields = count == 1 ? "* * * * *" : "*/\(count) * * * *"
            meaning = count == 1 ? "every minute" : "every \(count) minutes"
        case "h" where count % 24 == 0:
            self = try CronSchedule(every: "\(count / 24)d")
        case "h":
            guard Self.hourSteps.contains(count) else {
                throw CronScheduleError(
                    "--every \(text): cron cannot run every \(count) hours evenly (its hour field restarts each day); "
                        + "use one of \(Self.hourSteps.map { "\($0)h" }.joined(separator: ", ")), or 1d")
            }
            fields = count == 1 ? "0 * * * *" : "0 */\(count) * * *"
            meaning = count == 1 ? "every hour, on the hour" : "every \(count) hours, on the hour"
        case "d":
            switch count {
            case 1:
                fields = "0 0 * * *"
                meaning = "every day at midnight"
            case 7:
                fields = "0 0 * * 0"
                meaning = "every week, on Sunday at midnight"
            default:
                throw CronScheduleError("--every \(text): cron cannot run every \(count) days evenly (its day field restarts each month); use 1d or 7d")
            }
        case "s":
            throw CronScheduleError(
                "--every \(text): cron's smallest step is one minute; for seconds keep `etl-runtime run --every \(text)` running as a service")
        default:
            throw CronScheduleError("--every \(text): unknown unit \"\(unit)\"; use m (minutes), h (hours) or d (days), such as 10m, 2h or 1d")
        }
    }
}

struct CronScheduleError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
