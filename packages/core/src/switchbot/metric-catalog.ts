/**
 * Every metric the SwitchBot poller and webhook write: name, type, unit and help, in one table.
 *
 * Names follow Prometheus conventions: `switchbot_` prefix, snake_case, base units as suffixes (`_celsius`,
 * `_percent`, `_volts`, `_watts`, `_amperes`, `_seconds`, `_watt_hours`), `_total` only on counters
 * (reference §8 "Recommended for us"). `range` is the plausible interval of a device reading; a value outside it
 * is a sensor or unit glitch and is dropped (and counted in `switchbot_unit_anomalies_total`).
 */
import { MetricType } from "../remote-write/types";

export interface MetricSpec {
  type: MetricType;
  /** Prometheus metadata unit (the base unit the name ends in), "" when dimensionless. */
  unit: string;
  help: string;
  range?: readonly [number, number];
}

const gauge = (unit: string, help: string, range?: readonly [number, number]): MetricSpec => ({
  type: MetricType.GAUGE,
  unit,
  help,
  ...(range ? { range } : {}),
});
const counter = (unit: string, help: string): MetricSpec => ({ type: MetricType.COUNTER, unit, help });
const flag = (help: string): MetricSpec => gauge("", `${help} (1 = yes, 0 = no).`, [0, 1]);

export const METRICS = {
  // ── device readings ──
  switchbot_temperature_celsius: gauge("celsius", "Temperature reported by the device.", [-60, 100]),
  switchbot_humidity_percent: gauge("percent", "Relative humidity reported by the device.", [0, 100]),
  switchbot_co2_ppm: gauge("ppm", "CO2 concentration (Meter Pro CO2).", [0, 10_000]),
  switchbot_battery_percent: gauge("percent", "Battery level; Meters report only 10/20/60/100.", [0, 100]),
  switchbot_light_level: gauge("", "Ambient light level (device scale: 1-20 Hub 2, 1-10 Hub 3; not lux).", [0, 100]),
  switchbot_brightness_level: gauge("", "Brightness setting or reading, 1-100.", [0, 100]),
  switchbot_motion_detected: flag("Motion detected"),
  switchbot_presence_detected: flag("Presence detected"),
  switchbot_ambient_bright: flag("Ambient light is bright"),
  switchbot_contact_open: flag("Contact sensor open (also while it reports open too long)"),
  switchbot_contact_open_timeout: flag("Contact sensor has been open longer than its timeout"),
  switchbot_water_leak_detected: flag("Water leak detected"),
  switchbot_power_on: flag("Switched on"),
  switchbot_online: flag("Device reports itself online"),
  switchbot_overload: flag("Overload protection tripped"),
  switchbot_over_temperature: flag("Over-temperature protection tripped"),
  switchbot_lock_locked: flag("Lock is locked"),
  switchbot_lock_jammed: flag("Lock is jammed"),
  switchbot_door_open: flag("Door is open"),
  switchbot_charging: flag("Battery is charging"),
  switchbot_water_tank_empty: flag("Humidifier water tank is empty"),
  switchbot_power_watts: gauge("watts", "Instantaneous active power.", [0, 5_000]),
  switchbot_voltage_volts: gauge("volts", "Mains voltage.", [0, 300]),
  switchbot_current_amperes: gauge("amperes", "Load current.", [0, 20]),
  switchbot_on_time_today_seconds: gauge("seconds", "Time switched on since the device's day start.", [0, 86_400]),
  switchbot_energy_today_watt_hours: gauge("watt_hours", "Energy used since the device's day start (resets daily).", [0, 200_000]),
  switchbot_position_percent: gauge("percent", "Curtain/blind/roller position, 0-100 (0 = open for curtains).", [0, 100]),
  switchbot_fan_speed_percent: gauge("percent", "Fan speed, 1-100.", [0, 100]),
  switchbot_humidifier_level_percent: gauge("percent", "Humidifier atomisation efficiency.", [0, 100]),
  switchbot_filter_used_hours: gauge("hours", "Hours the filter element has been used.", [0, 1_000_000]),
  switchbot_filter_lifetime_hours: gauge("hours", "Rated filter element lifetime.", [0, 1_000_000]),
  switchbot_thermostat_mode: gauge("", "Radiator thermostat mode (device enum 0-5).", [0, 10]),
  switchbot_device_info: gauge("", "Always 1; labels describe the device as the device list reports it."),

  // ── derived ──
  switchbot_energy_watt_hours_total: counter(
    "watt_hours",
    "Energy used, integrated from power readings and reconciled with the device's own daily energy where it has one.",
  ),

  // ── webhook ──
  switchbot_last_event_timestamp_seconds: gauge("seconds", "timeOfSample of the last webhook delivery for the device."),

  // ── poller health ──
  switchbot_up: gauge("", "1 if the device's status was read in this poll, 0 if the call failed."),
  switchbot_poll_duration_seconds: gauge("seconds", "Wall time of the poll run that wrote this batch."),
  switchbot_last_success_timestamp_seconds: gauge("seconds", "Scheduled time of the last run that reached the API without a run-stopping error (401, quota) and read a device."),
  switchbot_api_calls_total: counter("", "SwitchBot API calls made by the poller (each counts against the daily quota)."),
  switchbot_api_errors_total: counter("", "Failed SwitchBot API calls, by statusCode/HTTP code and reason."),
  switchbot_api_calls_today: gauge("", "Calls the poller made since 00:00 UTC (the quota has no remaining-calls header)."),
  switchbot_quota_budget_calls_per_day: gauge("", "Calls per day the poller allows itself (daily limit x configured share)."),
  switchbot_quota_needed_calls_per_day: gauge("", "Calls per day polling every device every run would need."),
  switchbot_quota_planned_calls_per_day: gauge("", "Calls per day the poller plans to make (devices spread over runs if needed)."),
  switchbot_quota_refused: gauge("", "1 when the configuration cannot fit the quota budget and polling is refused."),
  switchbot_poll_spread_runs: gauge("", "Each device is polled every this many runs to fit the quota budget."),
  switchbot_devices: gauge("", "Devices in the cached device list, by what the poller does with them."),
  switchbot_unit_anomalies_total: counter("", "Readings dropped or rescaled because they were implausible."),
  switchbot_poll_pending_batches: gauge("", "Batches waiting to be written to AMP when this batch was built."),
  switchbot_poll_batches_dropped_total: counter("", "Batches AMP refused for good (non-retryable) or that aged out."),
} satisfies Record<string, MetricSpec>;

export type MetricName = keyof typeof METRICS;
