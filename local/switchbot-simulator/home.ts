/**
 * The simulated home: the devices `GET /v1.1/devices` lists, what `/status` returns for each, and what a webhook
 * delivery for each looks like. Shapes follow the reference's real captures (§5) and webhook table (§6.2),
 * including the inconsistencies a client must cope with: `hubDeviceId` as "", "000000000000" or the device's own
 * id; `enableCloudService` false or absent; webhook deviceType strings that differ from the list's; US/JP plugs
 * with `power` as "on"/"off" and watts in `weight`, the EU plug with watts in `power`; current in mA.
 */
import {
  fanWatts,
  humidityPercent,
  indoorCelsius,
  lightLevel,
  officeCo2,
  officeWatts,
  outdoorCelsius,
  round,
  utcMidnight,
  washingMachineWatts,
  wattMinutes,
  wobble,
} from "./loads";

export type Fields = Record<string, unknown>;

export interface SimDevice {
  deviceId: string;
  deviceName: string;
  deviceType: string;
  /** As the device list shows it. */
  hubDeviceId: string;
  /** Absent from the list entry when undefined (hubs, §5.1). */
  enableCloudService?: boolean;
  /** `hubDeviceId` in the status body (Wi-Fi devices report their own id there, SBA#316). */
  statusHubDeviceId: string;
  version: string;
  /** Extra list fields (curtain grouping…). */
  listExtras?: Fields;
  /** `context.deviceType` of webhook deliveries; no deliveries when undefined. */
  webhookType?: string;
  /** Status body fields besides deviceId/deviceType/hubDeviceId/version; undefined → the status call fails. */
  status?: (at: number) => Fields;
  /** Webhook context fields besides deviceType/deviceMac/timeOfSample. */
  event?: (at: number) => Fields;
}

export interface SimRemote {
  deviceId: string;
  deviceName: string;
  remoteType: string;
  hubDeviceId: string;
}

export const HUB_2 = "D82812821F08";
export const LIVING_METER = "C271111EC0AB";
export const BALCONY_METER = "E3F1A0B2C4D6";
export const OFFICE_CO2 = "B0E9FE72D804";
export const WASHING_PLUG = "6055F938CAAE";
export const FAN_PLUG = "6055F938CB01";
export const OFFICE_PLUG = "94A990502B72";
export const FRONT_DOOR = "F1A2B3C4D5E6";
export const BEDROOM_CURTAIN = "FCE84BB8B04F";
export const HUB_MINI = "FD087CB12D22";
export const TV_REMOTE = "02-202008110034-13";

/** A plug's electrical fields for a load: volts, watts, mA with a power factor. */
function electrical(at: number, watts: number, nominalVolts: number, powerFactor: number) {
  const voltage = round(nominalVolts + wobble(at, 210_000, 0.9), 1);
  const milliamps = watts <= 0 ? 0 : Math.round((watts / (voltage * powerFactor)) * 1000);
  return { voltage, milliamps };
}

function usPlugStatus(load: (at: number) => number, nominalVolts: number, powerFactor: number) {
  return (at: number): Fields => {
    const watts = load(at);
    const { voltage, milliamps } = electrical(at, watts, nominalVolts, powerFactor);
    const minutesOn = Math.round(((at - utcMidnight(at)) / 60_000) * (watts > 0 ? 0.6 : 0.4));
    return { power: watts > 0 ? "on" : "off", voltage, weight: watts, electricityOfDay: minutesOn, electricCurrent: milliamps };
  };
}

const meter = (base: number, humidity: number, battery: number) => (at: number): Fields => ({
  temperature: indoorCelsius(at, base),
  humidity: humidityPercent(at, humidity),
  battery,
});

export function createHome(): { devices: SimDevice[]; remotes: SimRemote[] } {
  const devices: SimDevice[] = [
    {
      deviceId: HUB_2,
      deviceName: "Hallway Hub 2",
      deviceType: "Hub 2",
      hubDeviceId: "",
      enableCloudService: true,
      statusHubDeviceId: HUB_2,
      version: "V2.3-1.4",
      webhookType: "WoHub2",
      status: (at) => ({ temperature: indoorCelsius(at, 20.5), lightLevel: lightLevel(at), humidity: humidityPercent(at, 48) }),
      event: (at) => ({ temperature: indoorCelsius(at, 20.5), humidity: humidityPercent(at, 48), lightLevel: lightLevel(at), scale: "CELSIUS" }),
    },
    {
      deviceId: LIVING_METER,
      deviceName: "Living Room Meter",
      deviceType: "Meter",
      hubDeviceId: HUB_2,
      enableCloudService: true,
      statusHubDeviceId: HUB_2,
      version: "V2.9",
      webhookType: "WoMeter",
      status: meter(22, 52, 100),
      event: (at) => ({ ...meter(22, 52, 100)(at), scale: "CELSIUS" }),
    },
    {
      deviceId: BALCONY_METER,
      deviceName: "Balcony",
      deviceType: "WoIOSensor",
      hubDeviceId: HUB_2,
      enableCloudService: true,
      statusHubDeviceId: HUB_2,
      version: "V1.3",
      webhookType: "WoIOSensor",
      status: (at) => ({ temperature: outdoorCelsius(at), humidity: humidityPercent(at, 70), battery: 60 }),
      event: (at) => ({ temperature: outdoorCelsius(at), humidity: humidityPercent(at, 70), battery: 60, scale: "CELSIUS" }),
    },
    {
      deviceId: OFFICE_CO2,
      deviceName: "Office CO2",
      deviceType: "MeterPro(CO2)",
      hubDeviceId: "000000000000",
      enableCloudService: true,
      statusHubDeviceId: "000000000000",
      version: "V1.8",
      webhookType: "MeterPro(CO2)",
      status: (at) => ({ temperature: indoorCelsius(at, 23), battery: 54, humidity: humidityPercent(at, 40), CO2: officeCo2(at) }),
      event: (at) => ({ temperature: indoorCelsius(at, 23), humidity: humidityPercent(at, 40), battery: 54, CO2: officeCo2(at), scale: "CELSIUS" }),
    },
    {
      deviceId: WASHING_PLUG,
      deviceName: "Washing Machine",
      deviceType: "Plug Mini (US)",
      hubDeviceId: "000000000000",
      enableCloudService: true,
      statusHubDeviceId: WASHING_PLUG,
      version: "V1.8-1.8",
      webhookType: "WoPlugUS",
      // A heater is resistive (PF ≈ 1), the motor phases less so; 0.93 overall.
      status: usPlugStatus(washingMachineWatts, 120, 0.93),
      event: () => ({ powerState: "ON" }),
    },
    {
      deviceId: FAN_PLUG,
      deviceName: "Desk Fan",
      deviceType: "Plug Mini (JP)",
      hubDeviceId: "000000000000",
      enableCloudService: true,
      statusHubDeviceId: FAN_PLUG,
      version: "V1.8-1.8",
      webhookType: "WoPlugJP",
      status: usPlugStatus(fanWatts, 101, 0.85),
      event: (at) => ({ powerState: fanWatts(at) > 0 ? "ON" : "OFF", online: true }),
    },
    {
      deviceId: OFFICE_PLUG,
      deviceName: "Home Office",
      deviceType: "Plug Mini (EU)",
      hubDeviceId: "000000000000",
      enableCloudService: true,
      statusHubDeviceId: OFFICE_PLUG,
      version: "V1.2-1.0",
      webhookType: "Plug Mini (EU)",
      status: (at) => {
        const watts = officeWatts(at);
        const { voltage, milliamps } = electrical(at, watts, 230, 0.9);
        return {
          switchStatus: 1,
          voltage,
          power: watts,
          electricCurrent: milliamps,
          usedElectricity: Math.round(wattMinutes(officeWatts, utcMidnight(at), at)),
        };
      },
      event: () => ({ online: true, overTemperature: false, overload: false, switchStatus: 1 }),
    },
    {
      deviceId: FRONT_DOOR,
      deviceName: "Front Door",
      deviceType: "Contact Sensor",
      hubDeviceId: HUB_2,
      enableCloudService: true,
      statusHubDeviceId: HUB_2,
      version: "V1.5",
      webhookType: "WoContact",
      status: (at) => {
        const minute = Math.floor(at / 60_000) % 17;
        return { battery: 100, moveDetected: minute < 2, openState: minute === 0 ? "open" : "close", brightness: lightLevel(at) > 8 ? "bright" : "dim" };
      },
      event: (at) => {
        const minute = Math.floor(at / 60_000) % 17;
        return {
          detectionState: minute < 2 ? "DETECTED" : "NOT_DETECTED",
          doorMode: "OUT_DOOR",
          brightness: lightLevel(at) > 8 ? "bright" : "dim",
          openState: minute === 0 ? "open" : "close",
          battery: 100,
        };
      },
    },
    {
      // Cloud service off in the app: status fails, and the poller must not spend quota on it (pitfall 2).
      deviceId: BEDROOM_CURTAIN,
      deviceName: "Bedroom Curtain",
      deviceType: "Curtain",
      hubDeviceId: "",
      enableCloudService: false,
      statusHubDeviceId: "",
      version: "V4.2",
      listExtras: { curtainDevicesIds: [], calibrate: true, group: false, master: true, openDirection: "left" },
      webhookType: "WoCurtain",
    },
    {
      // A Hub Mini: listed without enableCloudService; its status is nearly empty (SBA#334, #484).
      deviceId: HUB_MINI,
      deviceName: "Hub Mini 22",
      deviceType: "Hub Mini",
      hubDeviceId: "000000000000",
      statusHubDeviceId: HUB_MINI,
      version: "V1.5-0.8",
      status: () => ({}),
    },
  ];
  const remotes: SimRemote[] = [{ deviceId: TV_REMOTE, deviceName: "Living Room TV", remoteType: "TV", hubDeviceId: HUB_MINI }];
  return { devices, remotes };
}
