#pragma once
// Calendar dates as RFC 3339 (section 5.7, Appendix C) and Debian's Date and
// Valid-Until fields need them checked.

namespace acikit::util {

// A day that exists in the proleptic Gregorian calendar: 2024-02-29 does,
// 2023-02-29, 2024-02-30 and 2024-04-31 do not.
inline bool is_calendar_day(int year, int month, int day)
{
  constexpr int k_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > k_days[month - 1]) {
    return false;
  }
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return !(month == 2 && day == 29 && !leap);
}

} // namespace acikit::util
