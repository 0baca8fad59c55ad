import { describe, expect, it } from "vitest";
import { knownDevices, planDevice, deviceLabels } from "../../src/switchbot/device-list";
import { deviceReadings, type Reading } from "../../src/switchbot/device-readings";
import { DEVICE_KINDS, deviceKindFor, isPollable } from "../../src/switchbot/device-table";
import { METRICS } from "../../src/switchbot/metric-catalog";

/** metric{labels} → value, for compact expectations. */
function flat(readings: Reading[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const reading of readings) {
    const labels = Object.entries(reading.labels).map(([k, v]) => `${k}=${v}`).join(",");
    out[labels ? `${reading.metric}{${labels}}` : reading.metric] = Number(reading.value.toFixed(6));
  }
  return out;
}

/** One real-shaped status body per product family (reference §4.2, §5) and what it must map to. */
const STATUS_FIXTURES: Record<string, { body: Record<string, unknown>; expected: Record<string, number> }> = {
  "Meter family": {
    body: { deviceId: "C271111EC0AB", deviceType: "Meter", hubDeviceId: "D82812821F08", humidity: 70, temperature: 24.6, version: "V2.9", battery: 100 },
    expected: { switchbot_temperature_celsius: 24.6, switchbot_humidity_percent: 70, switchbot_battery_percent: 100 },
  },
  "Meter Pro": {
    body: { version: "V1.8", temperature: 24.3, battery: 54, humidity: 39, CO2: 812, deviceId: "B0E9FE72D804", deviceType: "MeterPro(CO2)", hubDeviceId: "000000000000" },
    expected: { switchbot_temperature_celsius: 24.3, switchbot_humidity_percent: 39, switchbot_battery_percent: 54, switchbot_co2_ppm: 812 },
  },
  "Hub 2": {
    body: { version: "V2.3-1.4", temperature: 17.8, lightLevel: 1, humidity: 52, deviceId: "D82812821F08", deviceType: "Hub 2", hubDeviceId: "D82812821F08" },
    expected: { switchbot_temperature_celsius: 17.8, switchbot_humidity_percent: 52, switchbot_light_level: 1 },
  },
  "Hub 3": {
    body: { temperature: 21, humidity: 40, lightLevel: 5, moveDetected: true, onlineStatus: "online" },
    expected: { switchbot_temperature_celsius: 21, switchbot_humidity_percent: 40, switchbot_light_level: 5, switchbot_motion_detected: 1, switchbot_online: 1 },
  },
  "Home Climate Panel": {
    body: { temperature: 22, humidity: 45, battery: 80, moveDetected: false, brightness: 60 },
    expected: { switchbot_temperature_celsius: 22, switchbot_humidity_percent: 45, switchbot_battery_percent: 80, switchbot_motion_detected: 0, switchbot_brightness_level: 60 },
  },
  "Plug Mini (US/JP)": {
    body: { version: "V1.8-1.8", power: "on", voltage: 101.8, weight: 35.2, electricityOfDay: 412, electricCurrent: 518, deviceId: "6055F938CAAE", deviceType: "Plug Mini (JP)", hubDeviceId: "6055F938CAAE" },
    expected: {
      switchbot_voltage_volts: 101.8,
      switchbot_power_watts: 35.2,
      switchbot_current_amperes: 0.518,
      switchbot_on_time_today_seconds: 412 * 60,
      switchbot_power_on: 1,
    },
  },
  "Plug (JP)": { body: { power: "off" }, expected: { switchbot_power_on: 0 } },
  "Plug Mini (EU) / Relay Switch 1PM": {
    body: { deviceId: "94A990502B72", deviceType: "Plug Mini (EU)", switchStatus: 1, voltage: 229.4, power: 61.5, electricCurrent: 402.0, usedElectricity: 2310, version: "V1.2-1.0" },
    expected: {
      switchbot_power_on: 1,
      switchbot_voltage_volts: 229.4,
      switchbot_power_watts: 61.5,
      switchbot_current_amperes: 0.402,
      switchbot_energy_today_watt_hours: 38.5,
    },
  },
  "Relay Switch 1": { body: { switchStatus: 0, online: true }, expected: { switchbot_power_on: 0, switchbot_online: 1 } },
  "Relay Switch 2PM": {
    body: {
      switch1Status: 1, switch1Voltage: 230.1, switch1Power: 100, switch1ElectricCurrent: 450, switch1UsedElectricity: 600,
      switch2Status: 0, switch2Voltage: 230.1, switch2Power: 0, switch2ElectricCurrent: 0, switch2UsedElectricity: 0,
      online: true, position: 50, calibrate: true,
    },
    expected: {
      "switchbot_power_on{channel=1}": 1,
      "switchbot_voltage_volts{channel=1}": 230.1,
      "switchbot_power_watts{channel=1}": 100,
      "switchbot_current_amperes{channel=1}": 0.45,
      "switchbot_energy_today_watt_hours{channel=1}": 10,
      "switchbot_power_on{channel=2}": 0,
      "switchbot_voltage_volts{channel=2}": 230.1,
      "switchbot_power_watts{channel=2}": 0,
      "switchbot_current_amperes{channel=2}": 0,
      "switchbot_energy_today_watt_hours{channel=2}": 0,
      switchbot_online: 1,
      switchbot_position_percent: 50,
    },
  },
  Bot: { body: { power: "on", battery: 100, deviceMode: "pressMode" }, expected: { switchbot_power_on: 1, switchbot_battery_percent: 100 } },
  "Curtain / Blind / Shade": {
    // slidePosition documented as a string for Curtain (§4.2).
    body: { slidePosition: "30", battery: 80, calibrate: true, group: false, moving: false },
    expected: { switchbot_position_percent: 30, switchbot_battery_percent: 80 },
  },
  "Contact Sensor": {
    body: { battery: 100, moveDetected: false, openState: "timeOutNotClose", brightness: "dim" },
    expected: { switchbot_battery_percent: 100, switchbot_motion_detected: 0, switchbot_contact_open: 1, switchbot_contact_open_timeout: 1, switchbot_ambient_bright: 0 },
  },
  "Motion Sensor": {
    body: { battery: 60, moveDetected: true, brightness: "bright" },
    expected: { switchbot_battery_percent: 60, switchbot_motion_detected: 1, switchbot_ambient_bright: 1 },
  },
  "Presence Sensor": {
    body: { battery: 100, Detected: true, lightLevel: 12 },
    expected: { switchbot_battery_percent: 100, switchbot_presence_detected: 1, switchbot_light_level: 12 },
  },
  "Water Leak Detector": { body: { battery: 90, status: 1 }, expected: { switchbot_battery_percent: 90, switchbot_water_leak_detected: 1 } },
  "Smart Lock": {
    // Lock Ultra reports past tense (SBA#509).
    body: { battery: 70, lockState: "unlocked", doorState: "closed", calibrate: true },
    expected: { switchbot_battery_percent: 70, switchbot_lock_locked: 0, switchbot_lock_jammed: 0, switchbot_door_open: 0 },
  },
  "Circulator Fan": {
    body: { battery: 80, power: "ON", fanSpeed: 45, chargingStatus: "charging", nightStatus: 0, oscillation: "on" },
    expected: { switchbot_battery_percent: 80, switchbot_power_on: 1, switchbot_fan_speed_percent: 45, switchbot_charging: 1 },
  },
  Humidifier: {
    body: { power: "on", humidity: 45, temperature: 22.1, nebulizationEfficiency: 60, lackWater: false, auto: false },
    expected: { switchbot_power_on: 1, switchbot_humidity_percent: 45, switchbot_temperature_celsius: 22.1, switchbot_humidifier_level_percent: 60, switchbot_water_tank_empty: 0 },
  },
  "Evaporative Humidifier": {
    body: { power: "on", humidity: 50, filterElement: { usedHours: 120, effectiveUsageHours: 720 }, childLock: false },
    expected: { switchbot_power_on: 1, switchbot_humidity_percent: 50, switchbot_filter_used_hours: 120, switchbot_filter_lifetime_hours: 720 },
  },
  "Smart Radiator Thermostat": {
    body: { battery: 70, mode: 2, temperature: 19.5, targetTemperature: 21 },
    expected: { switchbot_battery_percent: 70, switchbot_thermostat_mode: 2, switchbot_temperature_celsius: 19.5 },
  },
  "Robot Vacuum": {
    body: { battery: 88, onlineStatus: "offline", waterBaseBattery: 70 },
    expected: { switchbot_battery_percent: 88, switchbot_online: 0, "switchbot_battery_percent{component=water_base}": 70 },
  },
  Light: { body: { power: "on", brightness: 75 }, expected: { switchbot_power_on: 1, switchbot_brightness_level: 75 } },
  "Battery-only": { body: { battery: 40 }, expected: { switchbot_battery_percent: 40 } },
};

describe("device table", () => {
  it("lists every deviceType string once and only names metrics from the catalog", () => {
    const types = DEVICE_KINDS.flatMap((kind) => kind.listTypes);
    expect(new Set(types).size).toBe(types.length);
    for (const kind of DEVICE_KINDS) {
      for (const rule of kind.fields) expect(Object.keys(METRICS)).toContain(rule.metric);
    }
  });

  it("covers the reference's deviceType strings, including the drifted spellings (§4.1)", () => {
    for (const type of ["Meter", "MeterPlus", "WoIOSensor", "MeterPro", "MeterPro(CO2)", "Hub 2", "Hub 3", "Home Climate Panel", "Climate Panel",
      "Plug Mini (US)", "Plug Mini (JP)", "Plug Mini (EU)", "Relay Switch 1PM", "Relay Switch 2PM", "Smart Lock Ultra", "Lock Ultra", "Lock Lite", "Smart Lock Lite"]) {
      expect(deviceKindFor(type), type).toBeDefined();
    }
    expect(deviceKindFor("Meter Pro")).toBeUndefined(); // the spelling the API does not use
    expect(deviceKindFor("Motion Sensor")?.webhookTypes).toContain("WoPresence");
  });

  for (const kind of DEVICE_KINDS) {
    it(`maps ${kind.kind} (${kind.listTypes.join(", ")})`, () => {
      if (!isPollable(kind)) {
        expect(STATUS_FIXTURES[kind.kind]).toBeUndefined();
        expect(kind.fields).toEqual([]);
        return;
      }
      const fixture = STATUS_FIXTURES[kind.kind];
      expect(fixture, `a status fixture for ${kind.kind}`).toBeDefined();
      const result = deviceReadings(kind, fixture!.body, "status");
      expect(flat(result.readings)).toEqual(fixture!.expected);
      expect(result.unknownFields).toEqual([]);
      expect(result.anomalies).toEqual([]);
    });
  }
});

describe("Plug Mini current scale (reference §4.3)", () => {
  const plug = deviceKindFor("Plug Mini (US)")!;
  const current = (body: Record<string, unknown>) => deviceReadings(plug, body, "status");

  it("reads mA (current firmware): 1320 at 150 W / 120 V → 1.32 A", () => {
    const result = current({ voltage: 120, weight: 150, electricCurrent: 1320 });
    expect(flat(result.readings)["switchbot_current_amperes"]).toBe(1.32);
    expect(result.anomalies).toEqual([]);
  });

  it("detects the legacy 0.1 A scale: 20.59 with 200 W at 100 V is 2.059 A, counted as an anomaly", () => {
    const result = current({ voltage: 100, weight: 200, electricCurrent: 20.59 });
    expect(flat(result.readings)["switchbot_current_amperes"]).toBe(2.059);
    expect(result.anomalies.map((a) => a.kind)).toEqual(["legacy_current_scale"]);
  });

  it("does not guess below 5 W, where both scales are plausible", () => {
    const result = current({ voltage: 100, weight: 3, electricCurrent: 5 });
    expect(flat(result.readings)["switchbot_current_amperes"]).toBe(0.005);
    expect(result.anomalies).toEqual([]);
  });

  it("applies the same check to the EU plug's power field", () => {
    const eu = deviceKindFor("Plug Mini (EU)")!;
    const result = deviceReadings(eu, { voltage: 230, power: 1150, electricCurrent: 50 }, "status");
    expect(flat(result.readings)["switchbot_current_amperes"]).toBe(5);
  });
});

describe("data quirks", () => {
  it("treats temperature, humidity and battery all 0 as missing, keeping CO2 (pitfall 6, SBA#448)", () => {
    const result = deviceReadings(deviceKindFor("MeterPro(CO2)")!, { temperature: 0, humidity: 0, battery: 0, CO2: 640 }, "status");
    expect(flat(result.readings)).toEqual({ switchbot_co2_ppm: 640 });
    expect(result.anomalies.map((a) => a.kind)).toEqual(["all_zero_reading"]);
  });

  it("keeps a genuine 0 °C when the other fields are not zero", () => {
    const result = deviceReadings(deviceKindFor("WoIOSensor")!, { temperature: 0, humidity: 80, battery: 100 }, "status");
    expect(flat(result.readings)["switchbot_temperature_celsius"]).toBe(0);
  });

  it("reads CO2 from a MeterPro typed without (CO2) (go-switchbot#24)", () => {
    const result = deviceReadings(deviceKindFor("MeterPro")!, { temperature: 21, humidity: 40, battery: 90, CO2: 900 }, "status");
    expect(flat(result.readings)["switchbot_co2_ppm"]).toBe(900);
  });

  it("drops an out-of-range value and reports it", () => {
    const result = deviceReadings(deviceKindFor("Meter")!, { temperature: 21, humidity: 180, battery: 100 }, "status");
    expect(flat(result.readings)).toEqual({ switchbot_temperature_celsius: 21, switchbot_battery_percent: 100 });
    expect(result.anomalies).toMatchObject([{ kind: "out_of_range", field: "humidity" }]);
  });

  it("reports unknown numeric fields, not unknown strings", () => {
    const result = deviceReadings(deviceKindFor("Meter")!, { temperature: 21, humidity: 50, battery: 100, pressure: 1013, newMode: "x" }, "status");
    expect(result.unknownFields).toEqual(["pressure"]);
  });

  it("does not know deviceTypes outside the table", () => {
    expect(deviceKindFor("Toaster 3000")).toBeUndefined();
  });
});

describe("webhook contexts (reference §6.2)", () => {
  it("maps a Contact Sensor delivery's detectionState/openState/brightness", () => {
    const result = deviceReadings(
      deviceKindFor("Contact Sensor")!,
      { deviceType: "WoContact", deviceMac: "F1A2B3C4D5E6", detectionState: "DETECTED", doorMode: "OUT_DOOR", brightness: "bright", openState: "open", battery: 100, timeOfSample: 1 },
      "webhook",
    );
    expect(flat(result.readings)).toEqual({
      switchbot_battery_percent: 100,
      switchbot_motion_detected: 1,
      switchbot_ambient_bright: 1,
      switchbot_contact_open: 1,
      switchbot_contact_open_timeout: 0,
    });
    expect(result.unknownFields).toEqual([]);
  });

  it("converts a Fahrenheit delivery to Celsius", () => {
    const result = deviceReadings(deviceKindFor("Meter")!, { temperature: 77, scale: "FAHRENHEIT", humidity: 40, battery: 100 }, "webhook");
    expect(flat(result.readings)["switchbot_temperature_celsius"]).toBe(25);
  });

  it("reads the water detector's integer detectionState and the US plug's powerState", () => {
    expect(flat(deviceReadings(deviceKindFor("Water Detector")!, { detectionState: 1, battery: 80 }, "webhook").readings)).toEqual({
      switchbot_water_leak_detected: 1,
      switchbot_battery_percent: 80,
    });
    expect(flat(deviceReadings(deviceKindFor("Plug Mini (US)")!, { powerState: "OFF" }, "webhook").readings)).toEqual({ switchbot_power_on: 0 });
  });

  it("reads the Home Climate Panel's brightness as a string in webhooks and an int in status", () => {
    const panel = deviceKindFor("Home Climate Panel")!;
    expect(flat(deviceReadings(panel, { brightness: "dim" }, "webhook").readings)).toEqual({ switchbot_ambient_bright: 0 });
    expect(flat(deviceReadings(panel, { brightness: 40 }, "status").readings)).toEqual({ switchbot_brightness_level: 40 });
  });
});

describe("device list", () => {
  const devices = knownDevices({
    deviceList: [
      { deviceId: "D82812821F08", deviceName: "Hub 2 08", deviceType: "Hub 2", enableCloudService: true, hubDeviceId: "" },
      { deviceId: "C271111EC0AB", deviceName: "Living Meter", deviceType: "Meter", enableCloudService: true, hubDeviceId: "D82812821F08" },
      { deviceId: "6055F938CAAE", deviceName: "Desk Plug", deviceType: "Plug Mini (JP)", enableCloudService: true, hubDeviceId: "000000000000" },
      { deviceId: "94A990502B72", deviceName: "Kettle", deviceType: "Plug Mini (EU)", enableCloudService: true, hubDeviceId: "94A990502B72" },
      { deviceId: "FCE84BB8B04F", deviceName: "Curtain 4F", deviceType: "Curtain", enableCloudService: false, hubDeviceId: "" },
      { deviceId: "FD087CB12D22", deviceName: "Hub Mini 22", deviceType: "Hub Mini", hubDeviceId: "000000000000" },
      { deviceId: "AA0000000001", deviceName: "Toaster", deviceType: "Toaster 3000", enableCloudService: true, hubDeviceId: "" },
    ],
    infraredRemoteList: [{ deviceId: "02-202008110034-13", deviceName: "Living Room TV", remoteType: "TV", hubDeviceId: "FD087CB12D22" }],
  });
  const byId = Object.fromEntries(devices.map((device) => [device.id, device]));

  it("normalises every 'no hub' spelling and keeps real hubs (pitfall 10)", () => {
    expect(byId["D82812821F08"]!.hubId).toBeUndefined();
    expect(byId["6055F938CAAE"]!.hubId).toBeUndefined();
    expect(byId["94A990502B72"]!.hubId).toBeUndefined();
    expect(byId["C271111EC0AB"]!.hubId).toBe("D82812821F08");
    expect(deviceLabels(byId["C271111EC0AB"]!)).toEqual({ device_id: "C271111EC0AB", device_name: "Living Meter", device_type: "Meter", hub_id: "D82812821F08" });
    expect(deviceLabels(byId["6055F938CAAE"]!)).not.toHaveProperty("hub_id");
  });

  it("plans what to poll and why the rest is skipped", () => {
    const plans = Object.fromEntries(devices.map((device) => [device.id, planDevice(device).skip ?? "poll"]));
    expect(plans).toEqual({
      "02-202008110034-13": "ir_remote",
      "6055F938CAAE": "poll",
      "94A990502B72": "poll",
      AA0000000001: "unknown_type",
      C271111EC0AB: "poll",
      D82812821F08: "poll",
      FCE84BB8B04F: "cloud_service_off",
      FD087CB12D22: "no_readings",
    });
    expect(byId["FD087CB12D22"]!.cloud).toBe("unknown");
  });
});
