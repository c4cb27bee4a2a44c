import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import ExcelJS from "exceljs";
import segmentExporter from "../../server/commands/segmentExporter.ts";
import { DEFAULT_PROGRAM } from "../../server/domain/program.ts";
import { Department } from "../../server/models/Department.ts";
import { Member } from "../../server/models/Member.ts";
import { resetDatabase } from "../support/hooks.ts";

describe("segmentExporter's store column", () => {
  beforeEach(resetDatabase);

  it("should write the store's name, not its department id (an unknown id stays as it is)", async () => {
    await Department.create({ departmentId: 103, name: "杭州湖滨店", parentId: 1, order: 1 });
    await Member.create([
      { memberNo: "M00000001", name: "王芳", levelCode: "regular", homeStoreId: "103" },
      { memberNo: "M00000002", name: "李雷", levelCode: "regular", homeStoreId: "999" },
      { memberNo: "M00000003", name: "韩梅梅", levelCode: "regular" },
    ]);
    const output = new PassThrough();
    const chunks: Buffer[] = [];
    output.on("data", (chunk: Buffer) => chunks.push(chunk));
    const finished = new Promise((resolve) => output.on("end", resolve));
    assert.equal(await segmentExporter({ filter: {}, program: DEFAULT_PROGRAM, output }), 3);
    await finished;
    const workbook = new ExcelJS.Workbook();
    const bytes = Buffer.concat(chunks);
    await workbook.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const stores = [2, 3, 4].map((row) => workbook.worksheets[0]?.getRow(row).getCell(11).value ?? null);
    assert.deepEqual(stores, ["杭州湖滨店", "999", null]);
  });
});
