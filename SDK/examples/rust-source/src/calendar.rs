//! Civil dates as days since 1970-01-01 (the Arrow date32 value), in the proleptic Gregorian
//! calendar.

/// Days since 1970-01-01 of a date written `YYYY-MM-DD`, or None when it is not a real date.
pub fn days_from_date(text: &str) -> Option<i32> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = &text[range];
        part.bytes().all(|b| b.is_ascii_digit()).then(|| part.parse().ok()).flatten()
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    // Count from 0000-03-01, so that February, with its leap day, ends each counted year.
    let (y, m) = if month <= 2 { (year - 1, month + 9) } else { (year, month - 3) };
    let era_days = y * 365 + y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400);
    let day_of_year = (153 * m + 2) / 5 + day - 1;
    // 719468 = days from 0000-03-01 to 1970-01-01.
    i32::try_from(era_days + day_of_year - 719_468).ok()
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The English name of the weekday of `day` (days since 1970-01-01, a Thursday), and whether
/// it falls on a weekend.
pub fn weekday(day: i32) -> (&'static str, bool) {
    const NAMES: [&str; 7] = ["Thursday", "Friday", "Saturday", "Sunday", "Monday", "Tuesday", "Wednesday"];
    let index = day.rem_euclid(7) as usize;
    (NAMES[index], index == 2 || index == 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_count_days_from_the_unix_epoch() {
        assert_eq!(days_from_date("1970-01-01"), Some(0));
        assert_eq!(days_from_date("2024-01-01"), Some(19723));
        assert_eq!(days_from_date("2024-02-29"), Some(19782));
        assert_eq!(days_from_date("1969-12-31"), Some(-1));
        assert_eq!(days_from_date("2023-02-29"), None);
        assert_eq!(days_from_date("2024-13-01"), None);
        assert_eq!(days_from_date("2024-1-01"), None);
    }

    #[test]
    fn weekdays_follow_the_epochs_thursday() {
        assert_eq!(weekday(0), ("Thursday", false));
        assert_eq!(weekday(19723), ("Monday", false)); // 2024-01-01
        assert_eq!(weekday(19728), ("Saturday", true));
        assert_eq!(weekday(-1), ("Wednesday", false));
    }
}
