CREATE TABLE "region_boundaries" (
	"province_code" text NOT NULL,
	"region_code" text NOT NULL,
	"parent_code" text,
	"geometry" jsonb NOT NULL,
	"source" text,
	"imported_by" uuid,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "region_boundaries_province_code_region_code_pk" PRIMARY KEY("province_code","region_code")
);
--> statement-breakpoint
CREATE INDEX "region_boundaries_parent_idx" ON "region_boundaries" USING btree ("parent_code");