/**
 * A local endpoint speaking the SQS JSON protocol (AWS JSON 1.0, `X-Amz-Target: AmazonSQS.<Operation>`) for the
 * real @aws-sdk/client-sqs: GetQueueUrl, SendMessage, ReceiveMessage (with visibility timeouts), DeleteMessage.
 * Enough for the redrive CLI and its tests; errors use SQS's `__type` names so the SDK raises its typed errors.
 */
import { createHash, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { listenOnLoopback } from "../../../local/listen";
import { readBody } from "../../../local/read-body";

interface StoredMessage {
  id: string;
  body: string;
  attributes: Record<string, { DataType: string; StringValue: string }>;
  visibleAt: number;
  receipt?: string;
  receiveCount: number;
}

export interface SqsStandIn {
  url: string;
  /** Adds a message as Scheduler or Lambda would; returns its id. */
  send(queueName: string, body: string, attributes?: Record<string, string>): string;
  /** Messages still in the queue (visible or not). */
  messages(queueName: string): StoredMessage[];
  close(): Promise<void>;
}

export async function startSqsStandIn(queueNames: string[], accountId = "123456789012"): Promise<SqsStandIn> {
  const queues = new Map<string, StoredMessage[]>(queueNames.map((name) => [name, []]));
  let url = "";
  const queueUrl = (name: string) => `${url}/${accountId}/${name}`;
  const queueOf = (input: { QueueUrl?: string }) => {
    const name = String(input.QueueUrl ?? "").split("/").pop() ?? "";
    const queue = queues.get(name);
    if (!queue) throw Object.assign(new Error(`queue ${input.QueueUrl} does not exist`), { type: "QueueDoesNotExist" });
    return queue;
  };

  const operations: Record<string, (input: any) => unknown> = {
    GetQueueUrl(input: { QueueName: string }) {
      if (!queues.has(input.QueueName)) throw Object.assign(new Error(`The specified queue does not exist.`), { type: "QueueDoesNotExist" });
      return { QueueUrl: queueUrl(input.QueueName) };
    },
    SendMessage(input: { QueueUrl: string; MessageBody: string }) {
      const id = randomUUID();
      queueOf(input).push({ id, body: input.MessageBody, attributes: {}, visibleAt: 0, receiveCount: 0 });
      return { MessageId: id, MD5OfMessageBody: createHash("md5").update(input.MessageBody).digest("hex") };
    },
    ReceiveMessage(input: { QueueUrl: string; MaxNumberOfMessages?: number; VisibilityTimeout?: number }) {
      const now = Date.now();
      const visible = queueOf(input).filter((m) => m.visibleAt <= now).slice(0, input.MaxNumberOfMessages ?? 1);
      return {
        Messages: visible.map((m) => {
          m.receipt = randomUUID();
          m.receiveCount++;
          m.visibleAt = now + (input.VisibilityTimeout ?? 30) * 1000;
          return {
            MessageId: m.id,
            ReceiptHandle: m.receipt,
            Body: m.body,
            MD5OfBody: createHash("md5").update(m.body).digest("hex"),
            ...(Object.keys(m.attributes).length > 0 ? { MessageAttributes: m.attributes } : {}),
          };
        }),
      };
    },
    DeleteMessage(input: { QueueUrl: string; ReceiptHandle: string }) {
      const queue = queueOf(input);
      const index = queue.findIndex((m) => m.receipt === input.ReceiptHandle);
      if (index < 0) throw Object.assign(new Error("The receipt handle is not valid."), { type: "ReceiptHandleIsInvalid" });
      queue.splice(index, 1);
      return {};
    },
  };

  const server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const operation = String(req.headers["x-amz-target"] ?? "").replace(/^AmazonSQS\./, "");
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/x-amz-json-1.0" });
        res.end(JSON.stringify(body));
      };
      const implementation = operations[operation];
      if (!implementation) return reply(400, { __type: "com.amazonaws.sqs#UnsupportedOperation", message: `${operation} is not implemented here` });
      try {
        reply(200, implementation(JSON.parse(raw.toString("utf8") || "{}")));
      } catch (error) {
        reply(400, { __type: `com.amazonaws.sqs#${(error as { type?: string }).type ?? "InvalidParameterValue"}`, message: (error as Error).message });
      }
    });
  });
  const listener = await listenOnLoopback(server);
  url = listener.url;

  return {
    url,
    send(queueName, body, attributes = {}) {
      const id = randomUUID();
      const stored = Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, { DataType: "String", StringValue: v }]));
      queues.get(queueName)!.push({ id, body, attributes: stored, visibleAt: 0, receiveCount: 0 });
      return id;
    },
    messages: (queueName) => [...(queues.get(queueName) ?? [])],
    close: listener.close,
  };
}
