/**
 * The help of a command, written from its declaration: usage, description, operands, options
 * (with their choices, default and environment variable), subcommands, then the command's own
 * text. Items are aligned in two columns and descriptions wrapped at 80 columns, as wd's help
 * has always looked.
 *
 * @module
 */

import { type Command, operandShape } from "./command.ts";
import type { Option } from "./options.ts";

const WIDTH = 80;
/** Below this width left for descriptions, they are not wrapped. */
const MIN_WRAP = 40;

/** The options every command has beyond its own. */
const HELP_ITEM = ["-h, --help", "display help for command"] as const;
const VERSION_ITEM = ["-V, --version", "output the version number"] as const;
const HELP_COMMAND = ["help [command]", "display help for command"] as const;

/**
 * Renders the help of the last command of `path`.
 *
 * @param path The commands from the program down to the one asked about.
 * @returns The help text, ending with a newline.
 *
 * @example
 * ```ts
 * import { renderHelp } from "./help.ts";
 * const wd = { name: "wd", description: "demo", commands: [{ name: "list", description: "list" }] };
 * console.log(renderHelp([wd]).split("\n")[0]); // Usage: wd [options] [command]
 * ```
 */
export function renderHelp(path: readonly Command[]): string {
  const cmd = path[path.length - 1]!;
  const top = path.length === 1;
  const operands = (cmd.operands ?? []).map((o) => [operandShape(o).name, o.description] as const);
  const options = [
    ...(top ? [VERSION_ITEM] : []),
    ...Object.values(cmd.options ?? {}).filter((o) => !o.hidden).map((o) =>
      [o.flags, describeOption(o)] as const
    ),
    HELP_ITEM,
  ];
  const commands = cmd.commands === undefined ? [] : [
    ...cmd.commands.map((c) => [commandTerm(c), c.description] as const),
    HELP_COMMAND,
  ];
  const termWidth = Math.max(...[...operands, ...options, ...commands].map(([t]) => t.length));
  const section = (title: string, items: readonly (readonly [string, string])[]) =>
    items.length === 0 ? [] : [`${title}:\n${items.map((i) => item(i, termWidth)).join("\n")}`];
  const usage = [
    "[options]",
    ...(cmd.commands ? ["[command]"] : []),
    ...(cmd.operands ?? []).map((o) => o.spec),
  ];
  const blocks = [
    `Usage: ${path.map((c) => c.name).join(" ")} ${usage.join(" ")}`,
    cmd.description,
    ...section("Arguments", operands),
    ...section("Options", options),
    ...section("Commands", commands),
  ];
  return `${blocks.join("\n\n")}\n${cmd.helpAfter === undefined ? "" : `${cmd.helpAfter}\n`}`;
}

/** A subcommand as the Commands section names it: `info [options] <device>`. */
function commandTerm(c: Command): string {
  const options = Object.keys(c.options ?? {}).length > 0 ? " [options]" : "";
  return `${c.name}${options}${(c.operands ?? []).map((o) => ` ${o.spec}`).join("")}`;
}

/** An option's description with its choices, default and environment variable. */
function describeOption(o: Option): string {
  if (o.kind !== "value") return o.description;
  const extra = [
    ...(o.choices ? [`choices: ${o.choices.map((c) => JSON.stringify(c)).join(", ")}`] : []),
    ...(o.default !== undefined ? [`default: ${JSON.stringify(o.default)}`] : []),
    ...(o.env ? [`env: ${o.env}`] : []),
  ];
  return extra.length === 0 ? o.description : `${o.description} (${extra.join(", ")})`;
}

/** `  term   description`, the description wrapped under itself. */
function item([term, description]: readonly [string, string], termWidth: number): string {
  const room = WIDTH - termWidth - 4;
  const text = room < MIN_WRAP ? description : wrap(description, room);
  return `  ${term.padEnd(termWidth)}  ${text.replaceAll("\n", `\n${" ".repeat(termWidth + 4)}`)}`;
}

/** Greedy word wrap to `width` columns (a longer word gets a line of its own). */
function wrap(text: string, width: number): string {
  return text.split("\n").map((paragraph) => {
    const lines: string[] = [];
    let line = "";
    for (const word of paragraph.split(/\s+/).filter((w) => w.length > 0)) {
      if (line.length > 0 && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else line = line.length > 0 ? `${line} ${word}` : word;
    }
    lines.push(line);
    return lines.join("\n");
  }).join("\n");
}
