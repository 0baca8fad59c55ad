/**
 * The SwitchBot device table: which deviceType strings exist, and how each status/webhook field becomes a metric.
 * This is data; `device-readings.ts` applies it. To support a new product or field, add a row here.
 *
 * Sources: reference §4.1 (deviceType strings, including where list, status and webhook disagree) and §4.2
 * (fields, units). deviceType strings are matched exactly, as the API sends them; unknown types and unknown
 * numeric fields are logged once and skipped (pitfall 9: the strings drift between docs, endpoints and years).
 */
import {
  bright,
  celsius,
  charging,
  contactOpen,
  contactTimeout,
  currentAmperes,
  detection,
  doorOpen,
  jammed,
  locked,
  number,
  onOff,
  online,
  scaled,
  states,
  type Converter,
} from "./field-converters";
import type { MetricName } from "./metric-catalog";

export interface FieldRule {
  /** Key in the status body or webhook `context`; a dotted path reaches into objects (`filterElement.usedHours`). */
  field: string;
  metric: MetricName;
  convert: Converter;
  /** Only in the status body, or only in webhook deliveries; both when absent. */
  only?: "status" | "webhook";
  /** Constant extra labels (`channel` for the two relays of a Relay Switch 2PM, `component` for a dock). */
  labels?: Readonly<Record<string, string>>;
}

export interface DeviceKind {
  /** Product family, for logs and docs. */
  kind: string;
  /** `deviceType` as `GET /devices` and `/status` spell it. */
  listTypes: readonly string[];
  /** `context.deviceType` in webhook deliveries (often different, §4.1); informational — deliveries are routed by MAC. */
  webhookTypes: readonly string[];
  fields: readonly FieldRule[];
  /**
   * When every one of these fields is present and 0, the hub did not bridge the sensor and the reading is
   * missing, not 0 °C / 0 % (pitfall 6: SBA#371, #484, #448); those fields are dropped, others (CO2) kept.
   */
  zeroMeansMissing?: readonly string[];
  /** Numeric/boolean fields known to carry nothing worth a metric (so they are not reported as unknown). */
  ignored?: readonly string[];
}

// ── field groups shared by several products ──
const temperature: FieldRule = { field: "temperature", metric: "switchbot_temperature_celsius", convert: celsius };
const humidity: FieldRule = { field: "humidity", metric: "switchbot_humidity_percent", convert: number };
const battery: FieldRule = { field: "battery", metric: "switchbot_battery_percent", convert: number };
const lightLevel: FieldRule = { field: "lightLevel", metric: "switchbot_light_level", convert: number };
const co2: FieldRule = { field: "CO2", metric: "switchbot_co2_ppm", convert: number };
const powerOnString: FieldRule = { field: "power", metric: "switchbot_power_on", convert: onOff };
const powerStateWebhook: FieldRule = { field: "powerState", metric: "switchbot_power_on", convert: onOff, only: "webhook" };
const onlineFlag: FieldRule = { field: "online", metric: "switchbot_online", convert: onOff };
const onlineStatus: FieldRule = { field: "onlineStatus", metric: "switchbot_online", convert: online };
const overload: FieldRule = { field: "overload", metric: "switchbot_overload", convert: onOff };
const overTemperature: FieldRule = { field: "overTemperature", metric: "switchbot_over_temperature", convert: onOff };
const switchStatus: FieldRule = { field: "switchStatus", metric: "switchbot_power_on", convert: number };
const slidePosition: FieldRule = { field: "slidePosition", metric: "switchbot_position_percent", convert: number };
const moveDetected: FieldRule = { field: "moveDetected", metric: "switchbot_motion_detected", convert: detection, only: "status" };
const motionWebhook: FieldRule = { field: "detectionState", metric: "switchbot_motion_detected", convert: detection, only: "webhook" };
const brightString: FieldRule = { field: "brightness", metric: "switchbot_ambient_bright", convert: bright };
const meterZeros = ["temperature", "humidity", "battery"] as const;

/** Plug Mini (EU) and Relay Switch 1PM: `power` is watts here (a number), not the on/off string of US/JP plugs. */
const meteredSwitch: readonly FieldRule[] = [
  { field: "voltage", metric: "switchbot_voltage_volts", convert: number, only: "status" },
  { field: "power", metric: "switchbot_power_watts", convert: number, only: "status" },
  {
    field: "electricCurrent",
    metric: "switchbot_current_amperes",
    convert: currentAmperes({ voltage: "voltage", power: "power" }),
    only: "status",
  },
  // Watt-minutes since the device's day start; /60 → Wh (§4.2, HA does the same).
  { field: "usedElectricity", metric: "switchbot_energy_today_watt_hours", convert: scaled(1 / 60), only: "status" },
  switchStatus,
  onlineFlag,
  overload,
  overTemperature,
];

function relayChannel(channel: "1" | "2"): FieldRule[] {
  const labels = { channel };
  const f = (name: string) => `switch${channel}${name}`;
  return [
    { field: f("Voltage"), metric: "switchbot_voltage_volts", convert: number, labels, only: "status" },
    { field: f("Power"), metric: "switchbot_power_watts", convert: number, labels, only: "status" },
    {
      field: f("ElectricCurrent"),
      metric: "switchbot_current_amperes",
      convert: currentAmperes({ voltage: f("Voltage"), power: f("Power") }),
      labels,
      only: "status",
    },
    { field: f("UsedElectricity"), metric: "switchbot_energy_today_watt_hours", convert: scaled(1 / 60), labels, only: "status" },
    { field: f("Status"), metric: "switchbot_power_on", convert: number, labels },
    { field: f("Overload"), metric: "switchbot_overload", convert: onOff, labels, only: "webhook" },
  ];
}

const lockFields: readonly FieldRule[] = [
  battery,
  { field: "lockState", metric: "switchbot_lock_locked", convert: locked },
  { field: "lockState", metric: "switchbot_lock_jammed", convert: jammed },
  { field: "doorState", metric: "switchbot_door_open", convert: doorOpen },
];

const fanFields: readonly FieldRule[] = [
  battery,
  powerOnString,
  powerStateWebhook,
  { field: "fanSpeed", metric: "switchbot_fan_speed_percent", convert: number },
  { field: "chargingStatus", metric: "switchbot_charging", convert: charging },
];

export const DEVICE_KINDS: readonly DeviceKind[] = [
  {
    kind: "Meter family",
    listTypes: ["Meter", "MeterPlus", "WoIOSensor", "WeatherStation"],
    // The Doc's Meter Plus example says WoMeter, its table WoMeterPlus (§4.1).
    webhookTypes: ["WoMeter", "WoMeterPlus", "WoIOSensor", "WeatherStation"],
    fields: [temperature, humidity, battery],
    zeroMeansMissing: meterZeros,
  },
  {
    // `MeterPro` has been seen *with* a CO2 field (go-switchbot#24), so CO2 is read whenever present.
    kind: "Meter Pro",
    listTypes: ["MeterPro", "MeterPro(CO2)"],
    webhookTypes: ["MeterPro", "MeterPro(CO2)"],
    fields: [temperature, humidity, battery, co2],
    zeroMeansMissing: meterZeros,
  },
  {
    kind: "Hub 2",
    listTypes: ["Hub 2"],
    webhookTypes: ["WoHub2"],
    fields: [temperature, humidity, lightLevel],
    zeroMeansMissing: ["temperature", "humidity"],
  },
  {
    kind: "Hub 3",
    listTypes: ["Hub 3"],
    webhookTypes: ["WoHub3", "Hub 3"],
    fields: [temperature, humidity, lightLevel, moveDetected, motionWebhook, onlineStatus],
    zeroMeansMissing: ["temperature", "humidity"],
  },
  {
    kind: "Home Climate Panel",
    // Doc spells the list type "Home Climate Panel"; Home Assistant matches "Climate Panel" (§4.1).
    listTypes: ["Home Climate Panel", "Climate Panel"],
    webhookTypes: ["climate Panel"],
    fields: [
      temperature,
      humidity,
      battery,
      moveDetected,
      motionWebhook,
      // The same field name is an int 1-100 in status but "bright"/"dim" in webhooks (§4.2, §6.2).
      { field: "brightness", metric: "switchbot_brightness_level", convert: number, only: "status" },
      { ...brightString, only: "webhook" },
    ],
    zeroMeansMissing: meterZeros,
  },
  {
    kind: "Hub",
    // No sensors; Hub Mini status returns little or {} (SBA#334, #484). Listed so they are known, never polled.
    listTypes: ["Hub", "Hub Plus", "Hub Mini", "AI Hub"],
    webhookTypes: [],
    fields: [],
  },
  {
    kind: "Plug Mini (US/JP)",
    listTypes: ["Plug Mini (US)", "Plug Mini (JP)"],
    webhookTypes: ["WoPlugUS", "WoPlugJP"],
    fields: [
      { field: "voltage", metric: "switchbot_voltage_volts", convert: number, only: "status" },
      // Doc: "power consumed in a day"; really instantaneous watts (§4.3, SBA#163, AdyRock#241).
      { field: "weight", metric: "switchbot_power_watts", convert: number, only: "status" },
      {
        field: "electricCurrent",
        metric: "switchbot_current_amperes",
        convert: currentAmperes({ voltage: "voltage", power: "weight" }),
        only: "status",
      },
      // Minutes switched on today, not energy (pitfall 1).
      { field: "electricityOfDay", metric: "switchbot_on_time_today_seconds", convert: scaled(60), only: "status" },
      { ...powerOnString, only: "status" },
      powerStateWebhook,
      onlineFlag,
    ],
  },
  {
    kind: "Plug (JP)",
    listTypes: ["Plug"],
    webhookTypes: [],
    fields: [powerOnString],
  },
  {
    kind: "Plug Mini (EU) / Relay Switch 1PM",
    listTypes: ["Plug Mini (EU)", "Relay Switch 1PM"],
    webhookTypes: ["Plug Mini (EU)", "Relay Switch 1PM"],
    fields: meteredSwitch,
    ignored: ["calibrate"],
  },
  {
    kind: "Relay Switch 1",
    listTypes: ["Relay Switch 1"],
    webhookTypes: ["Relay Switch 1"],
    fields: [switchStatus, onlineFlag, overTemperature],
  },
  {
    kind: "Relay Switch 2PM",
    listTypes: ["Relay Switch 2PM"],
    webhookTypes: ["Relay Switch 2PM"],
    fields: [
      ...relayChannel("1"),
      ...relayChannel("2"),
      onlineFlag,
      overTemperature,
      { field: "position", metric: "switchbot_position_percent", convert: number },
    ],
    ignored: ["calibrate", "isStuck"],
  },
  {
    kind: "Bot",
    listTypes: ["Bot"],
    webhookTypes: ["WoHand"],
    fields: [battery, powerOnString],
  },
  {
    kind: "Curtain / Blind / Shade",
    listTypes: ["Curtain", "Curtain3", "Blind Tilt", "Roller Shade"],
    webhookTypes: ["WoCurtain", "WoCurtain3", "WoRollerShade"],
    fields: [battery, slidePosition],
    ignored: ["calibrate", "group", "moving"],
  },
  {
    kind: "Contact Sensor",
    listTypes: ["Contact Sensor"],
    webhookTypes: ["WoContact"],
    fields: [
      battery,
      moveDetected,
      motionWebhook,
      brightString,
      { field: "openState", metric: "switchbot_contact_open", convert: contactOpen },
      { field: "openState", metric: "switchbot_contact_open_timeout", convert: contactTimeout },
    ],
  },
  {
    kind: "Motion Sensor",
    listTypes: ["Motion Sensor"],
    // WoPresence is the *Motion* Sensor's webhook type (§4.1).
    webhookTypes: ["WoPresence"],
    fields: [battery, moveDetected, motionWebhook, brightString],
  },
  {
    kind: "Presence Sensor",
    listTypes: ["Presence Sensor"],
    webhookTypes: ["Presence Sensor"],
    fields: [
      battery,
      lightLevel,
      // Capital D per Doc (§4.2).
      { field: "Detected", metric: "switchbot_presence_detected", convert: detection, only: "status" },
      { field: "detectionState", metric: "switchbot_presence_detected", convert: detection, only: "webhook" },
    ],
  },
  {
    kind: "Water Leak Detector",
    listTypes: ["Water Detector"],
    webhookTypes: ["Water Detector"],
    fields: [
      battery,
      { field: "status", metric: "switchbot_water_leak_detected", convert: states({}), only: "status" },
      // An int 0/1 here, unlike the DETECTED strings of other sensors (§6.2).
      { field: "detectionState", metric: "switchbot_water_leak_detected", convert: states({}), only: "webhook" },
    ],
  },
  {
    kind: "Smart Lock",
    // Lock Ultra: Doc says "Lock Ultra", observed "Smart Lock Ultra" (SBA#509); Lock Lite: Doc vs HA spelling.
    listTypes: [
      "Smart Lock",
      "Smart Lock Pro",
      "Smart Lock Pro Wifi",
      "Smart Lock Ultra",
      "Lock Ultra",
      "Lock Lite",
      "Smart Lock Lite",
      "Lock Vision",
      "Lock Vision Pro",
    ],
    webhookTypes: ["WoLock", "WoLockPro", "WoLockProWifi", "Lock Ultra", "Lock Lite", "Lock Vision", "Lock Vision Pro"],
    fields: lockFields,
    ignored: ["calibrate"],
  },
  {
    kind: "Circulator Fan",
    listTypes: ["Battery Circulator Fan", "Circulator Fan", "Standing Circulator Fan"],
    webhookTypes: ["WoFan2", "Standing Fan"],
    fields: fanFields,
    ignored: ["nightStatus", "oscillation", "verticalOscillation"],
  },
  {
    kind: "Humidifier",
    listTypes: ["Humidifier"],
    webhookTypes: [],
    fields: [
      temperature,
      humidity,
      powerOnString,
      { field: "nebulizationEfficiency", metric: "switchbot_humidifier_level_percent", convert: number },
      { field: "lackWater", metric: "switchbot_water_tank_empty", convert: states({}) },
    ],
    ignored: ["auto", "childLock", "sound"],
  },
  {
    kind: "Evaporative Humidifier",
    listTypes: ["Humidifier2"],
    webhookTypes: ["Humidifier2"],
    fields: [
      humidity,
      powerOnString,
      { field: "filterElement.usedHours", metric: "switchbot_filter_used_hours", convert: number },
      { field: "filterElement.effectiveUsageHours", metric: "switchbot_filter_lifetime_hours", convert: number },
    ],
    ignored: ["childLock", "drying", "mode", "targetHumidify"],
  },
  {
    kind: "Smart Radiator Thermostat",
    listTypes: ["Smart Radiator Thermostat"],
    webhookTypes: ["Smart Radiator Thermostat"],
    fields: [battery, temperature, { field: "mode", metric: "switchbot_thermostat_mode", convert: number }],
    ignored: ["targetTemperature"],
  },
  {
    kind: "Robot Vacuum",
    // Third-party code also uses S20, K20+ Pro, K11 Plus, WoSweeperMini — unconfirmed, so not listed (§4.1).
    listTypes: [
      "Robot Vacuum Cleaner S1",
      "Robot Vacuum Cleaner S1 Plus",
      "K10+",
      "K10+ Pro",
      "Robot Vacuum Cleaner K10+ Pro Combo",
      "Robot Vacuum Cleaner S10",
      "Robot Vacuum Cleaner S20",
      "Robot Vacuum Cleaner K11+",
      "Robot Vacuum Cleaner K20 Plus Pro",
    ],
    webhookTypes: [],
    fields: [
      battery,
      onlineStatus,
      { field: "waterBaseBattery", metric: "switchbot_battery_percent", convert: number, labels: { component: "water_base" } },
    ],
  },
  {
    kind: "Light",
    listTypes: ["Color Bulb", "Strip Light", "Strip Light 3", "Ceiling Light", "Ceiling Light Pro", "Floor Lamp"],
    webhookTypes: [],
    fields: [powerOnString, { field: "brightness", metric: "switchbot_brightness_level", convert: number }, onlineFlag],
    ignored: ["colorTemperature"],
  },
  {
    kind: "Battery-only",
    listTypes: ["Video Doorbell", "AI Art Frame"],
    webhookTypes: ["AI Art Frame"],
    fields: [battery, onlineFlag],
  },
  {
    kind: "No numeric status",
    // In the device list but nothing to graph (§4.1 "Also in deviceList"): known, never polled.
    listTypes: ["Keypad", "Keypad Touch", "Keypad Vision", "Keypad Vision Pro", "Indoor Cam", "Pan/Tilt Cam", "Garage Door Opener"],
    webhookTypes: [],
    fields: [],
  },
];

/** Fields every status body or webhook context carries that are not readings (§4.2, §6.2). */
export const METADATA_FIELDS: ReadonlySet<string> = new Set([
  "deviceId",
  "deviceMac",
  "deviceName",
  "deviceType",
  "hubDeviceId",
  "version",
  "timeOfSample",
  "scale",
]);

const BY_TYPE = new Map<string, DeviceKind>();
for (const kind of DEVICE_KINDS) {
  for (const type of kind.listTypes) {
    if (BY_TYPE.has(type)) throw new Error(`device table: deviceType ${JSON.stringify(type)} appears twice`);
    BY_TYPE.set(type, kind);
  }
}

/** The table row for a `deviceType` from the device list or a status body, matched exactly. */
export function deviceKindFor(deviceType: string | undefined): DeviceKind | undefined {
  return deviceType === undefined ? undefined : BY_TYPE.get(deviceType);
}

/** Whether polling this kind's status can yield any sample (hubs, keypads, cameras: no). */
export function isPollable(kind: DeviceKind): boolean {
  return kind.fields.some((rule) => rule.only !== "webhook");
}
