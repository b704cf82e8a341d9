using System;
using System.Globalization;

namespace Resilience.CostModel
{
    /// <summary>Numbers as people read them in a diagnostic: "30,000", "1.5 M", "420 GB".</summary>
    public static class Quantity
    {
        public static string Count(double value)
        {
            if (double.IsNaN(value) || double.IsInfinity(value)) return value.ToString(CultureInfo.InvariantCulture);
            double abs = Math.Abs(value);
            if (abs < 1_000_000) return Math.Round(value).ToString("N0", CultureInfo.InvariantCulture);
            if (abs < 1e9) return Scaled(value / 1e6) + " M";
            if (abs < 1e12) return Scaled(value / 1e9) + " G";
            return Scaled(value / 1e12) + " T";
        }

        public static string Bytes(double bytes)
        {
            string[] units = { "B", "KB", "MB", "GB", "TB", "PB" };
            int unit = 0;
            double v = bytes;
            while (Math.Abs(v) >= 1000 && unit < units.Length - 1)
            {
                v /= 1000;
                unit++;
            }

            return (unit == 0 ? Math.Round(v).ToString(CultureInfo.InvariantCulture) : Scaled(v)) + " " + units[unit];
        }

        public static string Rate(double perSecond)
            => perSecond >= 10 ? Count(perSecond) : perSecond.ToString(perSecond >= 1 ? "0.#" : "0.###", CultureInfo.InvariantCulture);

        public static string Duration(TimeSpan span)
        {
            if (span.TotalSeconds < 1) return Math.Round(span.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + " ms";
            if (span.TotalMinutes < 1) return Scaled(span.TotalSeconds) + " s";
            if (span.TotalHours < 1) return Scaled(span.TotalMinutes) + " min";
            return Scaled(span.TotalHours) + " h";
        }

        private static string Scaled(double v)
            => v.ToString(Math.Abs(v) >= 100 ? "0" : Math.Abs(v) >= 10 ? "0.#" : "0.##", CultureInfo.InvariantCulture);
    }
}
